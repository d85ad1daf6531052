import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';

/** The page's files ship beside the compiled code: libs/console/page, or node_modules/@courier-nest/console/page. */
const PAGE_DIR = join(__dirname, '..', '..', 'page');
const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
const ASSET_NAME = /^[a-z0-9-]+\.(js|css)$/;

/** The page, read once: index.html with its base path filled in, and the scripts and styles it loads. */
@Injectable()
export class ConsolePage {
  private readonly template = readFileSync(join(PAGE_DIR, 'index.html'), 'utf8');
  private readonly assets = new Map(
    readdirSync(PAGE_DIR)
      .filter((name) => ASSET_NAME.test(name))
      .map((name) => [name, readFileSync(join(PAGE_DIR, name), 'utf8')]),
  );

  html(base: string): string {
    return this.template.replaceAll('%BASE%', escapeHtml(base));
  }

  asset(name: string): { body: string; contentType: string } | null {
    const body = ASSET_NAME.test(name) ? this.assets.get(name) : undefined;
    return body === undefined ? null : { body, contentType: CONTENT_TYPES[name.split('.').pop()!] };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
