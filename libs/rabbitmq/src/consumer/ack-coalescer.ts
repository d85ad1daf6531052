import type { Channel, ConsumeMessage } from 'amqplib';

/**
 * Acks the deliveries settled in one turn of the event loop with as few `basic.ack`
 * frames as RabbitMQ allows. A batch of deliveries settled together (the inbox
 * bridge's, after one INSERT) costs the broker one ack instead of hundreds.
 *
 * An ack with `multiple` covers every unsettled delivery up to its tag, so it is only
 * sent for a run of tags that starts at the oldest delivery not yet settled; any other
 * ack goes out on its own. No ack waits longer than the current turn: a slow delivery
 * never holds back the acks of later ones (which would stall the prefetch window).
 */
export class AckCoalescer {
  /** Delivery tags received and not yet settled, oldest first (tags grow per channel). */
  private readonly unsettled = new Set<number>();
  private readonly pending = new Map<number, ConsumeMessage>();
  private flushScheduled = false;

  constructor(
    private readonly channel: Pick<Channel, 'ack'>,
    private readonly schedule: (flush: () => void) => void = setImmediate,
  ) {}

  received(delivery: ConsumeMessage): void {
    this.unsettled.add(delivery.fields.deliveryTag);
  }

  ack(delivery: ConsumeMessage): void {
    this.pending.set(delivery.fields.deliveryTag, delivery);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.schedule(() => this.flush());
  }

  /** A delivery settled some other way (nack, reject): no longer covered by a multiple ack. */
  settledOtherwise(delivery: ConsumeMessage): void {
    this.unsettled.delete(delivery.fields.deliveryTag);
  }

  /** Sends the acks gathered so far. Throws what `channel.ack` throws (a closed channel). */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.size === 0) return;
    let upTo: ConsumeMessage | undefined;
    for (const tag of this.unsettled) {
      const delivery = this.pending.get(tag);
      if (delivery === undefined) break;
      upTo = delivery;
      this.pending.delete(tag);
      this.unsettled.delete(tag);
    }
    if (upTo) this.channel.ack(upTo, true);
    for (const [tag, delivery] of this.pending) {
      this.unsettled.delete(tag);
      this.channel.ack(delivery, false);
    }
    this.pending.clear();
  }
}
