import type { BusPublishRow } from '../postgres-bus';

interface Waiting {
  rows: readonly BusPublishRow[];
  resolve: (reached: number[]) => void;
  reject: (error: unknown) => void;
}

/** Transactions in flight at once; batches that come meanwhile wait and go together. */
const MAX_IN_FLIGHT = 2;

/**
 * Publishes the relay's batches in as few transactions as keep up: up to two run at
 * once, and batches that come while both run go together in the next. Each commit of a
 * publish waits for its WAL flush, and commits that NOTIFY queue behind one another
 * (PostgreSQL serialises them), so a trickle of one-message batches, one transaction
 * each, would cap the rate at the commits the server can flush one by one.
 */
export class CoalescedPublish {
  private waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(private readonly publish: (rows: readonly BusPublishRow[]) => Promise<number[]>) {}

  /** Resolves with, per row, how many queues it reached; rejects with the failure of the transaction it went in. */
  run(rows: readonly BusPublishRow[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      if (this.inFlight < MAX_IN_FLIGHT) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.inFlight++;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        const reached = await this.publish(batch.flatMap((waiting) => waiting.rows));
        let at = 0;
        for (const waiting of batch) {
          waiting.resolve(reached.slice(at, at + waiting.rows.length));
          at += waiting.rows.length;
        }
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.inFlight--;
  }
}
