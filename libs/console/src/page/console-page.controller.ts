import { Controller, Get, Header, NotFoundException, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ConsoleAuthGuard } from '../auth/console-auth.guard';
import { ConsolePage } from './console-page';

/** Strict: the page runs its own script and style only, and nothing may frame it. */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** The console's web page and its assets, behind the same authentication as the API. */
@Controller()
@UseGuards(ConsoleAuthGuard)
export class ConsolePageController {
  constructor(private readonly page: ConsolePage) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(
    @Req() request: { url?: string; originalUrl?: string },
    @Res({ passthrough: true }) response: unknown,
  ): string {
    setHeaders(response, SECURITY_HEADERS);
    return this.page.html(basePath(request));
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res({ passthrough: true }) response: unknown): string {
    const asset = this.page.asset(name);
    if (!asset) throw new NotFoundException(`The console has no asset "${name.slice(0, 100)}".`);
    setHeaders(response, { ...SECURITY_HEADERS, 'Content-Type': asset.contentType });
    return asset.body;
  }
}

/** The mount path as the request reached it, with a trailing slash. */
function basePath(request: { url?: string; originalUrl?: string }): string {
  const path = (request.originalUrl ?? request.url ?? '/').split('?')[0];
  return path.endsWith('/') ? path : `${path}/`;
}

function setHeaders(response: unknown, headers: Record<string, string>): void {
  const target = response as {
    setHeader?: (n: string, v: string) => void;
    header?: (n: string, v: string) => void;
  };
  for (const [name, value] of Object.entries(headers)) {
    if (typeof target.setHeader === 'function') target.setHeader(name, value);
    else target.header?.(name, value);
  }
}
