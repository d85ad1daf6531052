import { SettleOnceMessage, type DeadLetterDetails } from '@courier-nest/consumer';
import { attributesOfDelivery, type BusDelivery } from './bus-delivery';
import type { BusSettler } from './bus-settler';

/** What a message needs from its consumer: the settler, and to hear that it was settled. */
export interface BusMessageOwner {
  readonly settler: BusSettler;
  readonly deadLetterQueue: string;
  /** False once the claim was given back (lease lost, consumer closed): settling is then a no-op. */
  holds(message: BusMessage): boolean;
  settled(message: BusMessage): void;
}

/** One delivery from a bus queue. Settling is fenced by its claim's token (see BusSettler). */
export class BusMessage extends SettleOnceMessage {
  constructor(
    readonly delivery: BusDelivery,
    source: string,
    private readonly owner: BusMessageOwner,
  ) {
    super(
      delivery.messageId ?? `bus-${source}-${delivery.seq}`,
      source,
      delivery.body,
      attributesOfDelivery(delivery),
    );
  }

  /**
   * Sent, not awaited, as an AMQP ack is: the runner's slot frees at once, so the acks of
   * many handlers go out in one statement whatever the runner's concurrency. The
   * consumer waits for them before it closes.
   */
  protected doAck(): Promise<void> {
    void this.settleWith(() => this.owner.settler.ack(this.delivery));
    return Promise.resolve();
  }

  protected doNack(): Promise<void> {
    return this.settleWith(() => this.owner.settler.nack(this.delivery));
  }

  protected doRetry(delayMs: number): Promise<void> {
    return this.settleWith(() => this.owner.settler.retry(this.delivery, delayMs, this.attempt + 1));
  }

  protected doDeadLetter(details: DeadLetterDetails): Promise<void> {
    return this.settleWith(() =>
      this.owner.settler.deadLetter(
        this.delivery,
        this.source,
        this.owner.deadLetterQueue,
        details,
        this.attempt,
      ),
    );
  }

  /**
   * Writes the settle; the delivery's prefetch place frees as the write is issued (as an
   * AMQP ack frees it when sent), so the next claim overlaps the write. A message whose
   * claim was given back (lease lost, consumer closed) writes nothing.
   */
  private async settleWith(write: () => Promise<void>): Promise<void> {
    if (!this.owner.holds(this)) return;
    const written = write();
    this.owner.settled(this);
    await written;
  }
}
