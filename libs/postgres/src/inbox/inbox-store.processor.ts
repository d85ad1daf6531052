import { incomingFromDelivery, type IncomingMessage, type InboxFeed } from '@courier-nest/core';
import type { Claim, WorkProcessor } from '@courier-nest/core/internal';
import { attemptFromHeaders } from '@courier-nest/consumer';
import type { BusDelivery } from '../consumer/bus-delivery';
import type { BusQueue } from '../consumer/bus-queue';
import type { BusSettler } from '../consumer/bus-settler';

/**
 * What the inbox bridge does with a claimed batch of one event type's queue: stores
 * the deliveries in the inbox in one transaction (`receiveMany`), then deletes them
 * from the queue. A delivery that can never be stored (no id, not JSON, a NUL
 * character) is dead-lettered with the reason, never retried in a loop. When the store
 * fails (the inbox database is down) the batch goes back to the queue and the engine
 * backs off.
 */
export class InboxStoreProcessor implements WorkProcessor<BusDelivery, number> {
  constructor(
    private readonly feed: InboxFeed,
    private readonly eventType: string,
    private readonly queue: BusQueue,
    private readonly deadLetterQueue: string,
    private readonly settler: BusSettler,
  ) {}

  async process(claim: Claim<BusDelivery>): Promise<number> {
    const deliveries: BusDelivery[] = [];
    const messages: IncomingMessage[] = [];
    const refusals: Promise<void>[] = [];
    for (const delivery of claim.items) {
      const inbound = incomingFromDelivery(
        {
          content: delivery.body,
          fields: { routingKey: delivery.routingKey },
          properties: { ...delivery.properties, messageId: delivery.messageId, headers: delivery.headers },
        },
        this.eventType,
        this.feed.codec,
      );
      if (inbound.ok) {
        deliveries.push(delivery);
        messages.push(inbound.message);
      } else {
        refusals.push(
          this.settler.deadLetter(
            delivery,
            this.queue.name,
            this.deadLetterQueue,
            { reason: `rejected: ${inbound.reason}` },
            attemptFromHeaders(delivery.headers),
          ),
        );
      }
    }
    await Promise.all(refusals);
    if (messages.length === 0) return claim.items.length;
    try {
      await this.feed.receiveMany(messages);
    } catch (error) {
      await this.queue.release([{ token: claim.token, items: deliveries }]).catch(() => undefined);
      throw error;
    }
    await Promise.all(deliveries.map((delivery) => this.settler.ack(delivery)));
    return claim.items.length;
  }
}
