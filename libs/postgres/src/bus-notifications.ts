import type { Pool } from 'pg';
import { PgListener } from '@courier-nest/core/internal';

export interface BusLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * One LISTEN connection for the whole bus: a publish names each queue it reached in a
 * NOTIFY, and this wakes the consumers of that queue. Once (re)connected it wakes them
 * all, since anything sent meanwhile was missed.
 */
export class BusNotifications {
  private readonly wakers = new Map<string, Set<() => void>>();
  private readonly listener: PgListener;
  private started?: Promise<void>;

  constructor(pool: Pool, channel: string, logger: BusLogger) {
    this.listener = new PgListener(
      () => pool.connect(),
      channel,
      (queue) => this.wake(queue),
      logger,
    );
  }

  /** Calls `wake` whenever something may have arrived in `queue`; returns the unsubscribe. */
  async subscribe(queue: string, wake: () => void): Promise<() => void> {
    let set = this.wakers.get(queue);
    if (!set) this.wakers.set(queue, (set = new Set()));
    set.add(wake);
    this.started ??= this.listener.start();
    await this.started;
    return () => {
      set.delete(wake);
      if (set.size === 0) this.wakers.delete(queue);
    };
  }

  isListening(): boolean {
    return this.listener.isListening();
  }

  async close(): Promise<void> {
    this.wakers.clear();
    this.started = undefined;
    await this.listener.stop();
  }

  private wake(queue?: string): void {
    const sets = queue === undefined ? [...this.wakers.values()] : [this.wakers.get(queue)];
    for (const set of sets) set?.forEach((wake) => wake());
  }
}
