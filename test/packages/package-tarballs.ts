import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = join(__dirname, '../..');

/** The workspace packages, in the order they build (each after those it depends on). */
export const PACKAGE_DIRS: Record<string, string> = {
  '@courier-nest/core': 'libs/core',
  '@courier-nest/consumer': 'libs/consumer',
  '@courier-nest/outbox': 'libs/outbox',
  '@courier-nest/inbox': 'libs/inbox',
  '@courier-nest/rabbitmq': 'libs/rabbitmq',
  '@courier-nest/amqp-exec': 'apps/amqp-exec',
};

let packed: Promise<Record<string, string>> | undefined;

/**
 * Builds every package (`npm run build`) and packs each with `npm pack`, once per Jest
 * process: package name → tarball path, in a temporary directory outside the repository.
 */
export function packageTarballs(): Promise<Record<string, string>> {
  packed ??= (async () => {
    await run('npm', ['run', 'build'], { cwd: REPO, maxBuffer: 64 << 20 });
    const destination = await mkdtemp(join(tmpdir(), 'courier-tarballs-'));
    const tarballs: Record<string, string> = {};
    for (const [name, dir] of Object.entries(PACKAGE_DIRS)) {
      const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
        cwd: join(REPO, dir),
        maxBuffer: 64 << 20,
      });
      const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
      tarballs[name] = join(destination, filename);
    }
    return tarballs;
  })();
  return packed;
}

/**
 * Environment for npm in a test: the shared cache first (the registry is asked only for
 * what the cache lacks), no audit, no funding notes, no update check.
 */
export const NPM_ENV = {
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};
