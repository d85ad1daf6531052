import type { Channel, Replies } from 'amqplib';
import type { RabbitMQConnection } from '../connection/rabbitmq.connection';

export type QueueCounts = Pick<Replies.AssertQueue, 'messageCount' | 'consumerCount'>;

/**
 * Each queue's ready messages and consumers (passive declare), `undefined` for a queue that
 * does not exist. A passive declare of a missing queue makes the broker close the channel:
 * the next queue is checked on a new one.
 */
export async function readQueueCounts(
  connection: RabbitMQConnection,
  queues: readonly string[],
): Promise<Map<string, QueueCounts | undefined>> {
  const counts = new Map<string, QueueCounts | undefined>();
  let channel: Channel | undefined;
  try {
    for (const queue of queues) {
      channel ??= await openQuietChannel(connection);
      try {
        const { messageCount, consumerCount } = await channel.checkQueue(queue);
        counts.set(queue, { messageCount, consumerCount });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        counts.set(queue, undefined);
        channel = undefined; // closed by the broker
      }
    }
  } finally {
    await channel?.close().catch(() => undefined);
  }
  return counts;
}

/**
 * A channel whose errors are heard: an unheard channel error (a 404 closing it) would make
 * amqplib drop the application's shared connection.
 */
export async function openQuietChannel(connection: RabbitMQConnection): Promise<Channel> {
  await connection.waitUntilConnected(5_000);
  const channel = await connection.createChannel();
  channel.on('error', () => undefined); // the failing call rejects with the same error
  return channel;
}

export function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 404;
}
