import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const repoRoot = resolve(__dirname, '../..');

/** The packages a user installs, by name, with their folder in this repository. */
export const packageDirs = {
  '@courier-nest/core': 'libs/core',
  '@courier-nest/consumer': 'libs/consumer',
  '@courier-nest/outbox': 'libs/outbox',
  '@courier-nest/inbox': 'libs/inbox',
  '@courier-nest/rabbitmq': 'libs/rabbitmq',
  '@courier-nest/microservices': 'libs/microservices',
  '@courier-nest/console': 'libs/console',
  '@courier-nest/golevelup': 'libs/golevelup',
  '@courier-nest/postgres': 'libs/postgres',
  '@courier-nest/amqp-exec': 'apps/amqp-exec',
} as const;
export type PackageName = keyof typeof packageDirs;
export const packageNames = Object.keys(packageDirs) as PackageName[];

export interface PackageManifest {
  name: PackageName;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export function manifestOf(name: PackageName): PackageManifest {
  return JSON.parse(
    readFileSync(join(repoRoot, packageDirs[name], 'package.json'), 'utf8'),
  ) as PackageManifest;
}

/**
 * `name` and every @courier-nest package it needs, transitively: none of them is on a registry.
 * Optional peers are left out, as npm leaves them out (@courier-nest/golevelup's inbox and outbox).
 */
export function withSiblings(name: PackageName): PackageName[] {
  const needed = new Set<PackageName>();
  const visit = (next: PackageName) => {
    if (needed.has(next)) return;
    needed.add(next);
    const { dependencies = {}, peerDependencies = {}, peerDependenciesMeta = {} } = manifestOf(next);
    for (const dep of Object.keys({ ...dependencies, ...peerDependencies })) {
      if (dep in packageDirs && !peerDependenciesMeta[dep]?.optional) {
        visit(dep as PackageName);
      }
    }
  };
  visit(name);
  return [...needed];
}

// Jest gives each test file its own module registry, so the cache is a folder named after
// this process (pid and start time): the files of one `jest --runInBand` share one build.
const cacheDir = join(tmpdir(), `courier-tarballs-${process.pid}-${Math.floor(performance.timeOrigin)}`);
let packed: Promise<Record<PackageName, string>> | undefined;

/**
 * Builds the workspace (`npm run build`) and packs each package, once per Jest process;
 * later calls, from any test file of that process, reuse the tarballs.
 * @returns the tarball path of each package
 */
export function packageTarballs(): Promise<Record<PackageName, string>> {
  packed ??= buildAndPack();
  return packed;
}

async function buildAndPack(): Promise<Record<PackageName, string>> {
  const index = join(cacheDir, 'tarballs.json');
  if (existsSync(index)) return JSON.parse(await readFile(index, 'utf8')) as Record<PackageName, string>;
  await run('npm', ['run', 'build'], { cwd: repoRoot, maxBuffer: 64 << 20 });
  await mkdir(cacheDir, { recursive: true });
  const { stdout } = await run('npm', ['pack', '--workspaces', '--json', '--pack-destination', cacheDir], {
    cwd: repoRoot,
    maxBuffer: 64 << 20,
  });
  const entries = JSON.parse(stdout) as Array<{ name: PackageName; filename: string }>;
  const tarballs = Object.fromEntries(entries.map((e) => [e.name, join(cacheDir, e.filename)]));
  await writeFile(index, JSON.stringify(tarballs));
  return tarballs as Record<PackageName, string>;
}

/**
 * Environment for npm in a test: no audit, no funding notes, no update check. npm's default
 * caching stays: with prefer-offline, a cached packument older than a version that `npx` or a
 * package asks for fails the install with ETARGET.
 */
export const NPM_ENV = {
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};
