import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { AMQP_URL, DATABASE_URL } from './env';
import { waitFor } from './wait-for';

/** A free TCP port on loopback, for an app under test. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The token the samples' operations console asks for, unless a test gives its own. */
export const SAMPLE_CONSOLE_TOKEN = 'sample-app-process-console-token';

/** One of the sample services (apps/orders, apps/shipping) in its own process, as a user runs it. */
export class SampleAppProcess {
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout!.on('data', (chunk: Buffer) =>
      this.output.push(...chunk.toString().split('\n').filter(Boolean)),
    );
    child.stderr!.on('data', (chunk: Buffer) =>
      this.output.push(...chunk.toString().split('\n').filter(Boolean)),
    );
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts it and waits until `/health/<until>` answers 200 (`live`: it runs, whatever its broker and database). */
  static async start(
    app: 'orders' | 'shipping',
    env: Record<string, string>,
    until: 'ready' | 'live' = 'ready',
  ): Promise<SampleAppProcess> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, `../../apps/${app}/src/main.ts`)],
      {
        cwd: join(__dirname, '../..'),
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL,
          AMQP_URL,
          LOG_FORMAT: 'json',
          COURIER_CONSOLE_TOKEN: SAMPLE_CONSOLE_TOKEN,
          ...env,
          PORT: String(port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const sample = new SampleAppProcess(child, `http://127.0.0.1:${port}`);
    await waitFor(
      async () => (await fetch(`${sample.url}/health/${until}`).catch(() => undefined))?.ok,
      `${app} ${until}`,
      {
        timeoutMs: 60_000,
        intervalMs: 200,
      },
    );
    return sample;
  }

  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
