import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface RelayProcessMessage {
  type: 'ready' | 'claimed' | 'batch' | 'written';
  ids?: string[];
  leaseToken?: string;
  published?: number;
  fenced?: number;
  claimed?: number;
  /** When this process received it (local clock). */
  receivedAt: number;
}

/** A relay running in a child process (test/fixtures/relay.process.ts), observed over IPC. */
export class RelayProcess {
  readonly messages: RelayProcessMessage[] = [];
  private listeners = new Set<(m: RelayProcessMessage) => void>();
  private exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (raw: Omit<RelayProcessMessage, 'receivedAt'>) => {
      const message = { ...raw, receivedAt: Date.now() };
      this.messages.push(message);
      this.listeners.forEach((listener) => listener(message));
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(config: Record<string, unknown>): Promise<RelayProcess> {
    const child = fork(join(__dirname, '../fixtures/relay.process.ts'), [JSON.stringify(config)], {
      execArgv: ['-r', '@swc-node/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const relay = new RelayProcess(child);
    await relay.next('ready', 60_000);
    return relay;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The next message of `type` (or one already received and not yet taken). */
  next(type: RelayProcessMessage['type'], timeoutMs = 20_000): Promise<RelayProcessMessage> {
    const index = this.messages.findIndex((m) => m.type === type);
    if (index >= 0) return Promise.resolve(this.messages.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`relay process ${this.child.pid} sent no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (message: RelayProcessMessage) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        this.messages.splice(this.messages.indexOf(message), 1);
        resolve(message);
      };
      this.listeners.add(listener);
    });
  }

  go(): void {
    this.child.send({ type: 'go' });
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Asks for a graceful stop; kills it if it does not exit in time. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
