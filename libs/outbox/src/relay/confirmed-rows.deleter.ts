import type { ConfirmedRow, OutboxStore } from '../outbox.store';

interface Waiting {
  rows: readonly ConfirmedRow[];
  resolve: (deleted: number) => void;
  reject: (error: unknown) => void;
}

/** Batches this large amortise their own statement; waiting behind another delete only slows them. */
const COALESCE_BELOW_ROWS = 100;

/**
 * Deletes the published rows of small batches that settle at about the same time in
 * one statement: while such a delete is in flight, the next ones wait and then go
 * together. At a steady trickle of small batches (a commit each) that turns a DELETE
 * per message into one per round trip, with each row still fenced by its own claim's
 * token. Large batches (a backlog being drained) delete on their own, side by side.
 */
export class ConfirmedRowsDeleter {
  private waiting: Waiting[] = [];
  private inFlight = false;

  constructor(private readonly store: Pick<OutboxStore, 'deleteConfirmed'>) {}

  /** Deletes `rows` where they still carry their tokens; resolves with how many of them it deleted. */
  delete(rows: readonly ConfirmedRow[]): Promise<number> {
    if (rows.length === 0) return Promise.resolve(0);
    if (rows.length >= COALESCE_BELOW_ROWS) return this.deleteAlone(rows);
    return new Promise((resolve, reject) => {
      this.waiting.push({ rows, resolve, reject });
      if (!this.inFlight) void this.flush();
    });
  }

  private async deleteAlone(rows: readonly ConfirmedRow[]): Promise<number> {
    return (await this.store.deleteConfirmed(rows)).length;
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        const deleted = new Set(await this.store.deleteConfirmed(batch.flatMap((waiting) => waiting.rows)));
        for (const waiting of batch)
          waiting.resolve(waiting.rows.filter((row) => deleted.has(row.seq)).length);
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.inFlight = false;
  }
}
