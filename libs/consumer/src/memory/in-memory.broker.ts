import { randomUUID } from 'node:crypto';
import { ConsumerHeaders, DEFAULT_DEAD_LETTER_SUFFIX } from '../consumer.constants';
import type { ConsumerFactory } from '../interfaces/consumer.interface';
import type { DeadLetterDetails, MessageAttributes } from '../interfaces/message.interface';
import { attemptFromHeaders } from '../message/message-context';
import { InMemoryConsumer } from './in-memory.consumer';
import { InMemoryQueue, type StoredMessage } from './in-memory.queue';

export type InMemoryPublishAttributes = Partial<Omit<MessageAttributes, 'redelivered'>>;

/**
 * A broker in process memory, for users' tests and demos: queues with prefetch,
 * redelivery on close, delayed retries and an error destination, behaving like the
 * RabbitMQ transport under the same contract suite. Nothing survives the process.
 */
export class InMemoryBroker {
  private readonly queues = new Map<string, InMemoryQueue>();
  private readonly consumers = new Set<InMemoryConsumer>();
  /** Pending delayed retries, each with the queue it goes back to. */
  private readonly timers = new Map<NodeJS.Timeout, string>();
  /** Each queue a consumer factory was made for, with its error destination. */
  private readonly deadLetterQueues = new Map<string, string>();

  publish(queue: string, payload: Buffer | string, attributes: InMemoryPublishAttributes = {}): void {
    const body = Buffer.isBuffer(payload) ? Buffer.from(payload) : Buffer.from(payload, 'utf8');
    this.queue(queue).enqueue({
      id: attributes.messageId ?? randomUUID(),
      payload: body,
      attributes: {
        exchange: '',
        routingKey: queue,
        ...attributes,
        headers: { ...attributes.headers },
        redelivered: false,
      },
    });
  }

  consumerFactory(queue: string, options: { deadLetterQueue?: string } = {}): ConsumerFactory {
    const deadLetterQueue = options.deadLetterQueue ?? `${queue}${DEFAULT_DEAD_LETTER_SUFFIX}`;
    this.deadLetterQueues.set(queue, deadLetterQueue);
    return {
      source: queue,
      create: async ({ prefetch }) => {
        const consumer = new InMemoryConsumer(this, this.queue(queue), prefetch, deadLetterQueue);
        this.consumers.add(consumer);
        return consumer;
      },
    };
  }

  /** Messages waiting in a queue (not those delivered and unsettled). */
  messages(queue: string): readonly StoredMessage[] {
    return this.queue(queue).snapshot();
  }

  consumerCount(queue: string): number {
    return this.queue(queue).subscriberCount;
  }

  /** Messages of `queue` waiting out a retry delay. */
  retryCount(queue: string): number {
    return [...this.timers.values()].filter((target) => target === queue).length;
  }

  /** The queues consumer factories were made for, each with its error destination. */
  consumerQueues(): ReadonlyMap<string, string> {
    return this.deadLetterQueues;
  }

  /** Takes out of `queue` the waiting messages `select` picks among its first `scan`. */
  take(queue: string, select: (message: StoredMessage) => boolean, scan: number): StoredMessage[] {
    return this.queue(queue).remove(select, scan);
  }

  /** Breaks every consumer of `queue`, as a lost channel would. */
  disconnect(queue: string, error = new Error('in-memory channel closed')): void {
    for (const consumer of [...this.consumers]) {
      if (consumer.isOf(queue)) consumer.fail(error);
    }
  }

  /** Cancels pending delayed retries; for test teardown. */
  close(): void {
    this.timers.forEach((_queue, timer) => clearTimeout(timer));
    this.timers.clear();
  }

  retryLater(queue: string, stored: StoredMessage, delayMs: number): void {
    const attempt = attemptFromHeaders(stored.attributes.headers) + 1;
    const next: StoredMessage = {
      ...stored,
      attributes: {
        ...stored.attributes,
        redelivered: false,
        headers: { ...stored.attributes.headers, [ConsumerHeaders.attempt]: attempt },
      },
    };
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.queue(queue).enqueue(next);
    }, delayMs);
    this.timers.set(timer, queue);
  }

  deadLetter(
    queue: string,
    target: string,
    stored: StoredMessage,
    details: DeadLetterDetails,
    attempt: number,
  ): void {
    this.queue(target).enqueue({
      ...stored,
      attributes: {
        ...stored.attributes,
        exchange: '',
        routingKey: target,
        redelivered: false,
        headers: {
          ...stored.attributes.headers,
          [ConsumerHeaders.deadLetterReason]: details.reason,
          [ConsumerHeaders.originalExchange]: stored.attributes.exchange,
          [ConsumerHeaders.originalRoutingKey]: stored.attributes.routingKey,
          [ConsumerHeaders.originalQueue]: queue,
          [ConsumerHeaders.attempt]: attempt,
          [ConsumerHeaders.deadLetteredAt]: new Date().toISOString(),
        },
      },
    });
  }

  forget(consumer: InMemoryConsumer): void {
    this.consumers.delete(consumer);
  }

  private queue(name: string): InMemoryQueue {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = new InMemoryQueue(name)));
    return queue;
  }
}
