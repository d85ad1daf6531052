import { raceDeadline } from '@courier-nest/core/internal';
import type { Message } from '../interfaces/message.interface';

/**
 * The deliveries a runner holds: those waiting for a processing slot and those being
 * processed. The runner says when messages may start and how many at once; the buffer
 * starts them through `process` and starts the next as each one ends.
 */
export class DeliveryBuffer {
  private readonly waiting: Message[] = [];
  private readonly running = new Set<Promise<unknown>>();

  /**
   * @param process one message's whole run (processed and settled; never rejects)
   * @param slots how many may run now, 0 when none may start (paused, stopping)
   * @param givenBack a waiting message was handed back unprocessed
   */
  constructor(
    private readonly process: (message: Message) => Promise<unknown>,
    private readonly slots: () => number,
    private readonly givenBack: () => void,
  ) {}

  /** Messages being processed now. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Queues a delivery and starts it if a slot is free. */
  add(message: Message): void {
    this.waiting.push(message);
    this.pump();
  }

  /** Starts waiting messages while slots are free. */
  pump(): void {
    while (this.waiting.length > 0 && this.running.size < this.slots()) {
      const task = this.process(this.waiting.shift()!).finally(() => {
        this.running.delete(task);
        this.pump();
      });
      this.running.add(task);
    }
  }

  /** Hands every waiting message back to the broker (nack): none of them started. */
  giveBackWaiting(): void {
    for (const message of this.waiting.splice(0)) {
      void message.nack();
      this.givenBack();
    }
  }

  /** The runs in progress now, to wait for with `settledWithin`. */
  runningNow(): Promise<unknown>[] {
    return [...this.running];
  }

  /** How many of `tasks` are still running. */
  stillRunning(tasks: Promise<unknown>[]): number {
    return tasks.filter((task) => this.running.has(task)).length;
  }

  /** True once every task has finished, false if `timeoutMs` passed first. */
  async settledWithin(tasks: Promise<unknown>[], timeoutMs: number): Promise<boolean> {
    if (this.stillRunning(tasks) === 0) return true;
    if (timeoutMs <= 0) return false;
    return !(await raceDeadline(Promise.allSettled(tasks), timeoutMs)).timedOut;
  }
}
