import { randomUUID } from 'node:crypto';
import type { GetMessage } from 'amqplib';
import {
  CheckedQueueAdmin,
  DeadLetterRequeueError,
  MAX_DEAD_LETTER_WINDOW,
  headersForRequeue,
  toDeadLetter,
  type AdminQueue,
  type ConsumerQueueStats,
  type DeadLetterPage,
  type DeadLetterTarget,
  type DeadLetterWindow,
} from '@courier-nest/consumer';
import type { RabbitMQConnection } from '../connection/rabbitmq.connection';
import { republishOptions } from '../consumer/amqp-attributes.mapper';
import { CopyPublisher } from '../consumer/confirm-publish';
import { retryQueueName } from '../consumer/retry-queues';
import { DeadLetterHeadReader } from './dead-letter-head.reader';
import { readQueueCounts } from './queue-counts.reader';

/** A consumer queue the admin serves; a `RabbitMQConsumerFactory` is one. */
export interface RabbitMQAdminQueue {
  readonly source: string;
  readonly deadLetterQueue: string;
  /** Delay levels whose `<queue>.retry.<N>ms` queues may hold its messages. */
  retryLevelsMs(): Iterable<number>;
}

interface Target extends AdminQueue {
  retryLevelsMs(): Iterable<number>;
}

/** Dead letters copied back per round of confirms in `{ all: true }`: bounds what is held. */
const REQUEUE_BATCH = 100;

/**
 * `ConsumerQueueAdmin` on RabbitMQ (the contract is on the port). Dead letters are read with
 * `basic.get` on a channel of their own and given back unacknowledged; a classic queue keeps
 * them in place. A quorum dead-letter queue counts each read as a delivery, and drops or
 * dead-letters a message past its `x-delivery-limit`: keep dead-letter queues classic.
 * `CourierRabbitMQModule` provides it as `CONSUMER_QUEUE_ADMIN` for the `@ConsumeQueue` queues.
 *
 * @example
 * // outside Nest, for the queues of your own factories
 * const admin = new RabbitMQQueueAdmin(connection, () => [jobsFactory]);
 * const { items, total } = await admin.peekDead('jobs', { offset: 0, limit: 50 });
 */
export class RabbitMQQueueAdmin extends CheckedQueueAdmin<Target> {
  constructor(
    private readonly connection: RabbitMQConnection,
    private readonly queues: () => Iterable<RabbitMQAdminQueue>,
  ) {
    super();
  }

  protected *consumerQueues(): Iterable<Target> {
    for (const queue of this.queues()) {
      yield {
        queue: queue.source,
        deadLetterQueue: queue.deadLetterQueue,
        retryLevelsMs: () => queue.retryLevelsMs(),
      };
    }
  }

  protected async readStats(target: Target): Promise<ConsumerQueueStats> {
    const { queue, deadLetterQueue } = target;
    const retryQueues = [...new Set(target.retryLevelsMs())].map((level) => retryQueueName(queue, level));
    const counts = await readQueueCounts(this.connection, [queue, deadLetterQueue, ...retryQueues]);
    return {
      queue,
      depth: counts.get(queue)?.messageCount ?? 0,
      consumers: counts.get(queue)?.consumerCount ?? 0,
      retryDepth: retryQueues.reduce((sum, name) => sum + (counts.get(name)?.messageCount ?? 0), 0),
      deadLetterQueue,
      deadDepth: counts.get(deadLetterQueue)?.messageCount ?? 0,
    };
  }

  protected async readDead(target: Target, { offset, limit }: DeadLetterWindow): Promise<DeadLetterPage> {
    const reader = await DeadLetterHeadReader.open(this.connection, target.deadLetterQueue);
    if (!reader) return { items: [], total: 0 };
    try {
      const items: DeadLetterPage['items'] = [];
      let position = 0;
      for (; position < offset + limit; position++) {
        const message = await reader.next();
        if (!message) break;
        if (position >= offset) {
          items.push(
            toDeadLetter({ ...place(target), position }, { ...message.properties, payload: message.content }),
          );
        }
      }
      // Dead-lettered after the count was taken, the window may hold more than it said.
      return { items, total: Math.max(reader.total, position) };
    } finally {
      await reader.close();
    }
  }

  protected async moveDead(target: Target, which: DeadLetterTarget): Promise<string[]> {
    const reader = await DeadLetterHeadReader.open(this.connection, target.deadLetterQueue);
    if (!reader) return [];
    const copies = new CopyPublisher(reader.channel);
    const moved: string[] = [];
    try {
      if ('messageIds' in which) {
        await this.copyBack(target, reader, copies, await find(reader, which.messageIds), moved);
        return moved;
      }
      // At most what was there at the start: one that dies again meanwhile is not moved twice.
      for (let left = reader.total; left > 0;) {
        const batch = await take(reader, Math.min(REQUEUE_BATCH, left));
        if (batch.length === 0) break;
        left -= batch.length;
        await this.copyBack(target, reader, copies, batch, moved);
      }
      return moved;
    } finally {
      await reader.close();
    }
  }

  protected async deleteDead(target: Target, which: DeadLetterTarget): Promise<number> {
    const reader = await DeadLetterHeadReader.open(this.connection, target.deadLetterQueue);
    if (!reader) return 0;
    try {
      if ('all' in which) return (await reader.channel.purgeQueue(target.deadLetterQueue)).messageCount;
      const found = await find(reader, which.messageIds);
      found.forEach((message) => reader.ack(message));
      return found.length;
    } finally {
      await reader.close(); // its close-ok comes after the broker handled the acks
    }
  }

  /**
   * Publishes copies to the source queue (default exchange, confirmed, mandatory), and acks
   * each dead letter only once its copy is confirmed. The first refusal stops the move.
   */
  private async copyBack(
    target: Target,
    reader: DeadLetterHeadReader,
    copies: CopyPublisher,
    messages: readonly GetMessage[],
    moved: string[],
  ): Promise<void> {
    // A dead letter without an id (not one of ours) gets one now, kept across its attempts.
    const ids = messages.map((message) => idOf(message) ?? randomUUID());
    const results = await Promise.allSettled(
      messages.map((message, i) =>
        copies.publish(target.queue, message.content, {
          ...republishOptions(message, {}, ids[i]),
          headers: headersForRequeue(message.properties.headers),
        }),
      ),
    );
    const refused = results.findIndex((result) => result.status === 'rejected');
    results.forEach((result, i) => {
      if (result.status !== 'fulfilled') return;
      reader.ack(messages[i]);
      moved.push(ids[i]);
    });
    if (refused >= 0) {
      const { reason } = results[refused] as PromiseRejectedResult;
      throw new DeadLetterRequeueError(target.queue, ids[refused], [...moved], reason);
    }
  }
}

/** Reads from the head until every id was seen (or the queue or the window ends). */
async function find(reader: DeadLetterHeadReader, ids: ReadonlySet<string>): Promise<GetMessage[]> {
  const found: GetMessage[] = [];
  const seen = new Set<string>();
  for (let read = 0; read < MAX_DEAD_LETTER_WINDOW && seen.size < ids.size; read++) {
    const message = await reader.next();
    if (!message) break;
    const id = idOf(message);
    if (id !== undefined && ids.has(id)) {
      found.push(message);
      seen.add(id);
    }
  }
  return found;
}

async function take(reader: DeadLetterHeadReader, count: number): Promise<GetMessage[]> {
  const taken: GetMessage[] = [];
  while (taken.length < count) {
    const message = await reader.next();
    if (!message) break;
    taken.push(message);
  }
  return taken;
}

function idOf(message: GetMessage): string | undefined {
  const id: unknown = message.properties.messageId;
  return typeof id === 'string' ? id : undefined;
}

function place({ queue, deadLetterQueue }: Target): AdminQueue {
  return { queue, deadLetterQueue };
}
