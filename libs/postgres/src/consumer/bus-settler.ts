import { ConsumerHeaders, type DeadLetterDetails } from '@courier-nest/consumer';
import type { PostgresBus } from '../postgres-bus';
import type { BusDelivery } from './bus-delivery';

interface PendingAck {
  delivery: BusDelivery;
  done: () => void;
}

/**
 * Settles the deliveries of one consumer, each fenced by its claim's token. Acks that
 * come while one is being written go together in the next statement, so a busy
 * consumer deletes a batch per round trip instead of a row. A settle never throws: if
 * the database cannot be reached, the delivery's lease runs out and it comes again
 * (at least once), and `onError` hears of it.
 */
export class BusSettler {
  private acks: PendingAck[] = [];
  private acking?: Promise<void>;

  constructor(
    private readonly bus: PostgresBus,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Resolves once the ack was written (or failed, see `onError`). */
  ack(delivery: BusDelivery): Promise<void> {
    return new Promise((done) => {
      this.acks.push({ delivery, done });
      this.acking ??= this.flushAcks();
    });
  }

  /** Resolves when every ack asked for so far was written (or failed). */
  async acksWritten(): Promise<void> {
    await this.acking;
  }

  /** Back into the queue at once, marked redelivered. */
  nack(delivery: BusDelivery): Promise<void> {
    return this.run(this.bus.sql.release, [[delivery.seq], [delivery.leaseToken]]);
  }

  /** Due again after `delayMs`, as attempt `attempt`. */
  retry(delivery: BusDelivery, delayMs: number, attempt: number): Promise<void> {
    return this.run(this.bus.sql.retry, [
      delivery.seq,
      delivery.leaseToken,
      delayMs,
      JSON.stringify({ [ConsumerHeaders.attempt]: attempt }),
    ]);
  }

  /** Moved to `deadLetterQueue` with the reason, where it came from and its attempt count. */
  deadLetter(
    delivery: BusDelivery,
    source: string,
    deadLetterQueue: string,
    details: DeadLetterDetails,
    attempt: number,
  ): Promise<void> {
    const headers = {
      [ConsumerHeaders.deadLetterReason]: details.reason,
      [ConsumerHeaders.originalExchange]: delivery.exchange,
      [ConsumerHeaders.originalRoutingKey]: delivery.routingKey,
      [ConsumerHeaders.originalQueue]: source,
      [ConsumerHeaders.attempt]: attempt,
      [ConsumerHeaders.deadLetteredAt]: new Date().toISOString(),
    };
    return this.run(this.bus.sql.deadLetter, [
      delivery.seq,
      delivery.leaseToken,
      deadLetterQueue,
      JSON.stringify(headers),
    ]);
  }

  private async flushAcks(): Promise<void> {
    while (this.acks.length > 0) {
      const batch = this.acks;
      this.acks = [];
      await this.run(this.bus.sql.ack, [
        batch.map((ack) => ack.delivery.seq),
        [...new Set(batch.map((ack) => ack.delivery.leaseToken))],
      ]);
      for (const ack of batch) ack.done();
    }
    this.acking = undefined;
  }

  private async run(sql: string, values: unknown[]): Promise<void> {
    try {
      await this.bus.query(sql, values);
    } catch (error) {
      this.onError(error as Error);
    }
  }
}
