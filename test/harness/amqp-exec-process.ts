import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait-for';

const MAIN = join(__dirname, '../../apps/amqp-exec/src/main.ts');

/** The real `amqp-exec` binary in a child process, its output kept line by line. */
export class AmqpExecProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    collect(child.stdout!, this.stdout);
    collect(child.stderr!, this.stderr);
    this.exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  }

  static start(args: string[], env: Record<string, string> = {}, cwd?: string): AmqpExecProcess {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN, ...args], {
      cwd: cwd ?? join(__dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AmqpExecProcess(child);
  }

  /** Starts it and waits for the `started` line. */
  static async running(args: string[], env: Record<string, string> = {}): Promise<AmqpExecProcess> {
    const exec = AmqpExecProcess.start(args, env);
    await exec.line(/msg=started/);
    await exec.line(/msg="Consuming from/);
    return exec;
  }

  /** The first line of stdout matching `pattern`, waiting for it. */
  line(pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = 30_000): Promise<string> {
    return waitFor(() => this[stream].find((l) => pattern.test(l)), `amqp-exec ${stream} line ${pattern}`, {
      timeoutMs,
    });
  }

  lines(pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout'): string[] {
    return this[stream].filter((l) => pattern.test(l));
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

function collect(stream: NodeJS.ReadableStream, into: string[]): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    into.push(...parts);
  });
}
