import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for';

/**
 * A private PHP-FPM master for tests: two static pools, one on 127.0.0.1 and a free port,
 * one on a unix socket in its own temp dir, both logging to a temp error log. Runs as
 * root (`-R`) with the system php.ini; test settings are set per pool.
 * The binary is the newest `/usr/sbin/php-fpm*` (Debian's `php-fpm` package; .ci/run installs it).
 */
export class PhpFpm {
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly tcp: { host: string; port: number },
    readonly socket: { path: string },
    private readonly output: () => string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start({ children = 4 }: { children?: number } = {}): Promise<PhpFpm> {
    const dir = mkdtempSync(join(tmpdir(), 'php-fpm-'));
    const port = await freePort();
    const pool = (name: string, listen: string) =>
      [
        `[${name}]`,
        `listen = ${listen}`,
        'pm = static',
        `pm.max_children = ${children}`,
        'catch_workers_output = yes',
        'decorate_workers_output = no',
        // PHP errors and error_log() go to FCGI_STDERR, where the worker reads them.
        'php_admin_flag[log_errors] = on',
        'php_admin_flag[display_errors] = off',
      ].join('\n');
    const config = [
      '[global]',
      `error_log = ${join(dir, 'error.log')}`,
      `pid = ${join(dir, 'php-fpm.pid')}`,
      'daemonize = no',
      pool('tcp', `127.0.0.1:${port}`),
      pool('unix', join(dir, 'php-fpm.sock')),
    ].join('\n');
    writeFileSync(join(dir, 'php-fpm.conf'), config);
    const child = spawn(findPhpFpm(), ['--nodaemonize', '--fpm-config', join(dir, 'php-fpm.conf'), '-R'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const fpm = new PhpFpm(
      child,
      dir,
      { host: '127.0.0.1', port },
      { path: join(dir, 'php-fpm.sock') },
      () => output,
    );
    const died = fpm.exited.then(() => {
      throw new Error(`php-fpm exited during startup:\n${output}\n${fpm.errorLog()}`);
    });
    try {
      await Promise.race([
        died,
        waitFor(
          async () => (await canConnect(fpm.tcp)) && canConnect(fpm.socket),
          'php-fpm to accept connections',
        ),
      ]);
    } catch (error) {
      await fpm.stop();
      throw error;
    }
    died.catch(() => undefined);
    return fpm;
  }

  /** The master's error log (pool events, worker output). */
  errorLog(): string {
    try {
      return readFileSync(join(this.dir, 'error.log'), 'utf8') + this.output();
    } catch {
      return this.output();
    }
  }

  /** SIGTERM: the master stops its children at once (SIGQUIT would wait for busy ones). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(kill);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function findPhpFpm(): string {
  const names = readdirSync('/usr/sbin')
    .filter((name) => name.startsWith('php-fpm'))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  if (names.length === 0)
    throw new Error('No /usr/sbin/php-fpm*: install it with `apt-get install -y php-fpm`.');
  return join('/usr/sbin', names[names.length - 1]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canConnect(address: { host: string; port: number } | { path: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(address);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
