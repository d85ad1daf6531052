import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../harness/process-alive';

const repo = join(__dirname, '../..');

/** `npm run demo -- --once` as `command` runs it; its output and exit code. */
function demo(command: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command[0], command.slice(1), {
    cwd: repo,
    // No DATABASE_URL, no AMQP_URL: the demo decides where to run by itself.
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A machine where nothing listens: a fresh network namespace with only loopback up. */
const isolated = (...command: string[]) => [
  'unshare',
  '-n',
  'sh',
  '-c',
  `ip link set lo up && exec ${command.join(' ')}`,
];

/** Any process whose command line names `text` (the embedded server runs with its data directory in it). */
async function processesNaming(text: string): Promise<string> {
  const { stdout } = await demo(['sh', '-c', `pgrep -af ${JSON.stringify(text)} | grep -v pgrep || true`]);
  return stdout.trim();
}

/** What every embedded run must show: it said so first, shipped the order, left nothing behind. */
async function expectShippedOnEmbedded(result: Awaited<ReturnType<typeof demo>>, why: RegExp) {
  expect(result).toMatchObject({ code: 0 });
  const lines = result.stdout.split('\n');
  expect(lines[0]).toMatch(why);
  expect(lines[0]).toMatch(/starting an embedded PostgreSQL; both services run on the PostgreSQL transport/);
  expect(lines[1]).toMatch(/set DATABASE_URL and AMQP_URL/);
  expect(result.stdout).toMatch(/^demo: order \S+ shipped as \S+, \d+ ms after the POST$/m);
  const dir = /data in (\S+) \(removed at exit\)/.exec(result.stdout)?.[1];
  expect(dir).toBeDefined();
  expect(existsSync(dir!)).toBe(false);
  expect(await processesNaming(dir!)).toBe('');
  const pids = [...result.stdout.matchAll(/demo: started \w+ \(pid (\d+)\)/g)].map(([, pid]) => Number(pid));
  expect(pids).toHaveLength(2);
  for (const pid of pids) expect(isAlive(pid)).toBe(false);
  // The embedded server's password is a development one, but a URL is printed redacted all the same.
  expect(result.stdout).not.toMatch(/postgres:postgres@/);
}

describe('npm run demo on a machine without PostgreSQL and RabbitMQ', () => {
  it('as root: starts an embedded PostgreSQL, ships an order on the PostgreSQL transport, exits 0, leaves nothing', async () => {
    const result = await demo(isolated(process.execPath, 'scripts/demo.mjs', '--once'));
    await expectShippedOnEmbedded(
      result,
      /^demo: nothing answers on PostgreSQL's default port and DATABASE_URL is not set/,
    );
  }, 120_000);

  it('as an ordinary user, the same', async () => {
    const result = await demo(
      isolated('runuser', '-u', 'nobody', '--', process.execPath, 'scripts/demo.mjs', '--once'),
    );
    await expectShippedOnEmbedded(result, /^demo: nothing answers on PostgreSQL's default port/);
  }, 120_000);

  it('--embedded uses it even where PostgreSQL and RabbitMQ answer', async () => {
    const result = await demo([process.execPath, 'scripts/demo.mjs', '--once', '--embedded']);
    await expectShippedOnEmbedded(result, /^demo: --embedded: /);
  }, 120_000);
});
