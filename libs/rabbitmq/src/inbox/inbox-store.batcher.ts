import { AsyncResource } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import { Outcome, type ProcessOutcome } from '@courier-nest/consumer';
import type { IncomingMessage, InboxFeed } from '@courier-nest/core';
import { isRefusedForItsContent } from './refused-delivery.policy';

const MAX_STORE_RETRY_DELAY_MS = 30_000;
const MAX_STORES_IN_FLIGHT = 3;

export interface InboxStoreBatcherOptions {
  /** The first delay before deliveries of a failed store go back; it doubles per failure in a row. */
  retryDelayMs: number;
  /**
   * While a store runs, another starts only once this many deliveries wait (see `flush`).
   * When no store runs, whatever waits is stored at once.
   */
  minBatchBesideARunningStore: number;
}

interface Waiting {
  message: IncomingMessage;
  settle: (outcome: ProcessOutcome) => void;
}

/**
 * Stores inbox messages in batches: every delivery the consumer runs at once waits
 * here, and what arrived since the last flush goes into one `receiveMany` (one
 * INSERT). At most MAX_STORES_IN_FLIGHT run at once; meanwhile deliveries gather into
 * the next, larger batch. A delivery is acked only after its batch committed.
 *
 * Another store starts beside a running one only for a batch worth its commit
 * (`minBatchBesideARunningStore`): started for the first few deliveries back after an
 * ack, it held a slot for a handful while the next full batch waited behind it. With
 * two slots and no such minimum, a third of the benchmark's stores carried fewer than
 * 20 deliveries; the minimum (a tenth of the prefetch) made the drain some 7% faster,
 * and three slots with a fifth of the prefetch some 6% more (means of 12 to 18
 * alternating runs).
 *
 * When the database refuses a batch, its deliveries are released (given back untouched)
 * after a delay that doubles with each failure in a row: no hot loop, and an outage
 * never counts against a message's attempts. When a batch is refused for what a message
 * holds (see `isRefusedForItsContent`: a NUL character, say), its halves are stored
 * apart, down to the deliveries that cannot be stored alone: those are dead-lettered with
 * the reason, the others stored and acked. The split costs a few statements, only then.
 */
export class InboxStoreBatcher {
  private buffer: Waiting[] = [];
  private flushScheduled = false;
  private storesInFlight = 0;
  private failuresInARow = 0;
  /**
   * Schedules a flush in the batcher's own async context, not in that of the delivery
   * that happened to trigger it: a batch belongs to no one message, so its INSERT and
   * its log lines must not carry that message's log fields (MessageLogContext) or trace.
   */
  private readonly scheduleFlush = AsyncResource.bind(() => setImmediate(() => this.flush()));

  constructor(
    private readonly inbox: Pick<InboxFeed, 'receiveMany'>,
    private readonly options: InboxStoreBatcherOptions,
    private readonly logger: LoggerService,
  ) {}

  store(message: IncomingMessage): Promise<ProcessOutcome> {
    return new Promise((settle) => {
      this.buffer.push({ message, settle });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.scheduleFlush();
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.mayStartAStore()) return;
    const batch = this.buffer;
    this.buffer = [];
    this.storesInFlight++;
    void this.storeBatch(batch).finally(() => {
      this.storesInFlight--;
      if (this.buffer.length > 0) this.flush();
    });
  }

  private mayStartAStore(): boolean {
    if (this.buffer.length === 0 || this.storesInFlight >= MAX_STORES_IN_FLIGHT) return false;
    // Fewer wait for the running store's end: it flushes them (see `flush`).
    return this.storesInFlight === 0 || this.buffer.length >= this.options.minBatchBesideARunningStore;
  }

  private async storeBatch(batch: Waiting[]): Promise<void> {
    try {
      await this.inbox.receiveMany(batch.map((w) => w.message));
      this.failuresInARow = 0;
      batch.forEach((w) => w.settle(Outcome.ack()));
    } catch (error) {
      if (isRefusedForItsContent(error)) return this.storeApart(batch, error);
      this.failuresInARow++;
      const delayMs = Math.min(
        MAX_STORE_RETRY_DELAY_MS,
        this.options.retryDelayMs * 2 ** (this.failuresInARow - 1),
      );
      const reason = `could not store it: ${(error as Error).message}`;
      this.logger.error(
        `Could not store ${batch.length} deliveries (${(error as Error).message}); giving them back in ${delayMs} ms`,
      );
      batch.forEach((w) => w.settle(Outcome.release(reason, delayMs)));
    }
  }

  /** One message or more cannot be stored: halves alone, until each refused one is found. */
  private async storeApart(batch: Waiting[], error: unknown): Promise<void> {
    if (batch.length === 1) {
      batch[0].settle(Outcome.reject(`the inbox cannot store it: ${(error as Error).message}`));
      return;
    }
    const half = Math.ceil(batch.length / 2);
    await this.storeBatch(batch.slice(0, half));
    await this.storeBatch(batch.slice(half));
  }
}
