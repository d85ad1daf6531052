import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';

/** The repository root: the ops files are read where docker compose reads them. */
export const REPO_ROOT = join(__dirname, '..', '..');

export function repoPath(relative: string): string {
  return join(REPO_ROOT, relative);
}

export function repoFileExists(relative: string): boolean {
  return existsSync(repoPath(relative));
}

export function readText(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

/**
 * Parses YAML with the core schema (plain data, no custom tags): what Compose, Prometheus and
 * Grafana accept. Duplicate keys are an error, as they are for them.
 */
export function readYaml(relative: string): unknown {
  return parse(readText(relative)); // YAML 1.2, core schema
}

export function readJson(relative: string): unknown {
  return JSON.parse(readText(relative)) as unknown;
}

export type Data = Record<string, unknown>;

/** Narrows parsed data, failing with the path of what was expected. */
export function record(value: unknown, where: string): Data {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where}: expected a mapping, got ${JSON.stringify(value)}`);
  }
  return value as Data;
}

export function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list, got ${JSON.stringify(value)}`);
  return value;
}

export function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where}: expected a string, got ${JSON.stringify(value)}`);
  return value;
}

/** Compose accepts `environment` as a mapping or as a list of `KEY=VALUE`. */
export function environmentOf(service: Data, where: string): Record<string, string> {
  const raw = service.environment ?? {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw.map((entry, i) => {
        const line = text(entry, `${where}.environment[${i}]`);
        const eq = line.indexOf('=');
        return eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(record(raw, `${where}.environment`)).map(([key, value]) => [key, String(value)]),
  );
}

/** The command a Compose healthcheck runs, as one string. */
export function healthcheckCommand(service: Data, where: string): string {
  const test = record(service.healthcheck, `${where}.healthcheck`).test;
  if (typeof test === 'string') return test;
  const [kind, ...rest] = list(test, `${where}.healthcheck.test`).map((part, i) =>
    text(part, `${where}.healthcheck.test[${i}]`),
  );
  if (kind === 'CMD') return rest.join(' ');
  if (kind === 'CMD-SHELL') return rest[0] ?? '';
  throw new Error(`${where}.healthcheck.test: starts with ${kind}, expected CMD or CMD-SHELL`);
}

export interface PortMapping {
  /** The host address the port is published on; undefined means every interface. */
  ip: string | undefined;
  host: string;
  container: string;
}

/** Short-syntax port mappings (`"HOST:CONTAINER"`, optionally `IP:HOST:CONTAINER`). */
export function portsOf(service: Data, where: string): PortMapping[] {
  return list(service.ports ?? [], `${where}.ports`).map((entry, i) => {
    const parts = String(entry).split('/')[0].split(':');
    if (parts.length < 2) throw new Error(`${where}.ports[${i}]: ${String(entry)} publishes no host port`);
    if (parts.length > 3)
      throw new Error(`${where}.ports[${i}]: ${String(entry)} is not [IP:]HOST:CONTAINER`);
    return {
      ip: parts.length === 3 ? parts[0] : undefined,
      host: parts[parts.length - 2],
      container: parts[parts.length - 1],
    };
  });
}

export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** Short-syntax volumes (`SOURCE:TARGET[:MODE]`). */
export function mountsOf(service: Data, where: string): Mount[] {
  return list(service.volumes ?? [], `${where}.volumes`).map((entry, i) => {
    const [source, target, mode] = text(entry, `${where}.volumes[${i}]`).split(':');
    return { source, target, readOnly: (mode ?? '').split(',').includes('ro') };
  });
}

/** A bind mount's source as a repository path (`./ops/x` → `ops/x`), or undefined for a named volume. */
export function bindSource(mount: Mount): string | undefined {
  return mount.source.startsWith('./') ? posix.normalize(mount.source) : undefined;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    anchors.add(
      heading[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}
