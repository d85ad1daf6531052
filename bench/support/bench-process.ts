import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readProcessTicks, TICKS_PER_SECOND } from './proc-stat';
import { sharedNowMs } from './shared-clock';

/** A message between the bench and one of its processes: `type` and anything else. */
export interface ProcessMessage {
  type: string;
  [field: string]: unknown;
}

/**
 * A bench/processes/*.process.ts script in its own node process (through
 * @swc-node/register), talked to over IPC: `request` sends one message and resolves
 * with the next reply of the type asked for. The script says `ready` first.
 */
export class BenchProcess {
  private readonly waiting = new Map<string, Array<(message: ProcessMessage) => void>>();
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: ProcessMessage) => this.waiting.get(message.type)?.shift()?.(message));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(script: string, config: object): Promise<BenchProcess> {
    const child = fork(join(__dirname, '../processes', script), [JSON.stringify(config)], {
      execArgv: ['-r', '@swc-node/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const started = new BenchProcess(script, child);
    const failed = started.exited.then((code) => {
      throw new Error(`${script} exited with ${code} before it was ready`);
    });
    await Promise.race([started.reply('ready', 60_000), failed]);
    void failed.catch(() => undefined);
    return started;
  }

  /** Sends `message` and waits for the process's next `replyType` message. */
  request(message: ProcessMessage, replyType: string, timeoutMs = 60_000): Promise<ProcessMessage> {
    const reply = this.reply(replyType, timeoutMs);
    this.child.send(message);
    return reply;
  }

  /**
   * Fails unless this process reads the same clock as the bench (see sharedNowMs): it
   * stamps a message the bench stamped before sending; the difference is the IPC
   * delay, never negative, and small. Returns it, ms.
   */
  async checkSharedClock(): Promise<number> {
    const sentAt = sharedNowMs();
    const { receivedAt } = await this.request({ type: 'clock' }, 'clock');
    const repliedAt = sharedNowMs();
    const oneWay = (receivedAt as number) - sentAt;
    if (oneWay < 0 || (receivedAt as number) > repliedAt || oneWay > 1_000) {
      throw new Error(
        `${this.name} does not share the bench's clock (stamped ${oneWay.toFixed(3)} ms after the send, ` +
          `round trip ${(repliedAt - sentAt).toFixed(3)} ms): cross-process latencies would be wrong`,
      );
    }
    return oneWay;
  }

  /** CPU this process used so far (user + system), ms; NaN without /proc. */
  cpuMs(): number {
    const read = this.child.pid === undefined ? null : readProcessTicks(this.child.pid);
    return read ? (read.ticks / TICKS_PER_SECOND) * 1000 : Number.NaN;
  }

  /** Asks for a graceful stop ('stop'); kills the process if it has not exited within 15 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  private reply(type: string, timeoutMs: number): Promise<ProcessMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const queue = this.waiting.get(type) ?? [];
        queue.splice(queue.indexOf(settle), 1);
        reject(new Error(`${this.name} sent no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = (message: ProcessMessage) => {
        clearTimeout(timer);
        resolve(message);
      };
      this.waiting.set(type, [...(this.waiting.get(type) ?? []), settle]);
    });
  }
}
