import { Inject, Injectable } from '@nestjs/common';
import { INBOX_FEED, incomingFromDelivery, type AmqpDelivery, type InboxFeed } from '@courier-nest/core';
import { MalformedDeliveryError } from '../errors/malformed-delivery.error';

/**
 * Hands a golevelup delivery to the inbox in one call, from a `@RabbitSubscribe` handler:
 *
 * @example
 * @RabbitSubscribe({ exchange: 'order_events', routingKey: '#', queue: 'shipping.order_events',
 *   errorHandler: courierInboxErrorHandler })
 * async onOrderEvent(_body: unknown, amqpMsg: ConsumeMessage) {
 *   await this.receiver.receive(amqpMsg, 'order_events');
 * }
 *
 * The message is stored (once per message id, however often it is delivered) and its
 * `@InboxHandler`s run later from the inbox, with their own retries and dead state.
 */
@Injectable()
export class CourierInboxReceiver {
  constructor(@Inject(INBOX_FEED) private readonly feed: InboxFeed) {}

  /**
   * Maps the delivery (Courier's wire format, see `incomingFromDelivery`) and stores it in
   * the inbox. Resolves once the row is committed: return then, and golevelup acks.
   *
   * @param delivery the raw delivery, golevelup's second handler argument (`amqpMsg`)
   * @param eventType the inbox event type, i.e. the `@InboxHandler`s' first argument (on the
   *   wire: the exchange the message was published to)
   * @throws MalformedDeliveryError when the delivery can never be stored: reject it without
   *   requeue (`courierInboxErrorHandler`, or return golevelup's `new Nack(false)`)
   * @throws whatever the database throws when nothing was stored: requeue the delivery
   */
  async receive(delivery: AmqpDelivery, eventType: string): Promise<void> {
    const inbound = incomingFromDelivery(delivery, eventType, this.feed.codec);
    if (!inbound.ok) throw new MalformedDeliveryError(inbound.reason, eventType);
    await this.feed.receiveMany([inbound.message]);
  }
}
