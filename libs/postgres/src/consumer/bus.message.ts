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

  protected async doAck(): Promise<void> {
    if (!this.owner.holds(this)) return;
    await this.owner.settler.ack(this.delivery);
    this.owner.settled(this);
  }

  protected async doNack(): Promise<void> {
    if (!this.owner.holds(this)) return;
    await this.owner.settler.nack(this.delivery);
    this.owner.settled(this);
  }

  protected async doRetry(delayMs: number): Promise<void> {
    if (!this.owner.holds(this)) return;
    await this.owner.settler.retry(this.delivery, delayMs, this.attempt + 1);
    this.owner.settled(this);
  }

  protected async doDeadLetter(details: DeadLetterDetails): Promise<void> {
    if (!this.owner.holds(this)) return;
    await this.owner.settler.deadLetter(
      this.delivery,
      this.source,
      this.owner.deadLetterQueue,
      details,
      this.attempt,
    );
    this.owner.settled(this);
  }
}
