import type { ConfirmChannel } from 'amqplib';

export interface InboxQueueTopology {
  /** The destination exchange the outbox publishes to. */
  eventType: string;
  queue: string;
  serviceName: string;
  queueType: 'classic' | 'quorum';
  deliveryLimit: number;
}

/** `<service>.dead-letter`: where the broker's own dead-lettering of inbox queues goes. */
export function inboxDeadLetterExchange(serviceName: string): string {
  return `${serviceName}.dead-letter`;
}

/**
 * The exchange, the queue bound to all of it, and `<queue>.dead`. The consumer
 * component dead-letters malformed deliveries into `<queue>.dead` itself; the broker's
 * own dead-lettering (a reject, a quorum queue's delivery limit) lands there too,
 * through the service's dead-letter exchange, so nothing over a limit is dropped.
 */
export async function declareInboxQueue(
  channel: ConfirmChannel,
  topology: InboxQueueTopology,
): Promise<void> {
  const { eventType, queue, serviceName, queueType, deliveryLimit } = topology;
  const deadQueue = `${queue}.dead`;
  const deadLetterExchange = inboxDeadLetterExchange(serviceName);
  await channel.assertExchange(deadLetterExchange, 'direct', { durable: true });
  await channel.assertExchange(eventType, 'topic', { durable: true });
  await channel.assertQueue(deadQueue, { durable: true });
  await channel.bindQueue(deadQueue, deadLetterExchange, deadQueue);
  const deadLettering = {
    'x-dead-letter-exchange': deadLetterExchange,
    'x-dead-letter-routing-key': deadQueue,
  };
  await channel.assertQueue(queue, {
    durable: true,
    arguments:
      queueType === 'quorum'
        ? { 'x-queue-type': 'quorum', 'x-delivery-limit': deliveryLimit, ...deadLettering }
        : deadLettering,
  });
  await channel.bindQueue(queue, eventType, '#');
}
