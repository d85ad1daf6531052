import type { ConfirmChannel } from 'amqplib';
import { DEFAULT_DEAD_LETTER_SUFFIX, type Consumer, type ConsumerFactory } from '@courier-nest/consumer';
import type { RabbitMQConnection } from '../connection/rabbitmq.connection';
import { RabbitMQConsumer } from './rabbitmq.consumer';
import { RetryQueues } from './retry-queues';

export interface RabbitMQConsumerFactoryOptions {
  queue: string;
  /** Where dead letters go (a durable queue, published through the default exchange). @default `<queue>.dead` */
  deadLetterQueue?: string;
  /** Declare the queue (durable, classic) and its dead-letter queue. @default true */
  declareQueue?: boolean;
  /**
   * Declares the topology instead (`declareQueue` is then ignored): run on every new
   * channel, so it is back after a broker restart. The dead-letter queue must exist after it.
   */
  declare?: (channel: ConfirmChannel) => Promise<void>;
  /** Wait before giving back a message whose retry or dead letter could not be published. @default 1000 */
  republishFailureDelayMs?: number;
}

/**
 * Makes RabbitMQ consumers of one queue on the application's recovering connection.
 * `create` fails while the broker is unreachable; the runner retries it with backoff.
 */
export class RabbitMQConsumerFactory implements ConsumerFactory {
  readonly source: string;
  /** Where its consumers put dead letters. */
  readonly deadLetterQueue: string;
  private readonly retryQueues: RetryQueues;

  constructor(
    private readonly connection: RabbitMQConnection,
    private readonly options: RabbitMQConsumerFactoryOptions,
  ) {
    this.source = options.queue;
    this.deadLetterQueue = options.deadLetterQueue ?? `${options.queue}${DEFAULT_DEAD_LETTER_SUFFIX}`;
    this.retryQueues = new RetryQueues(options.queue);
  }

  /** The retry delay levels its consumers used in this process; see `RabbitMQQueueAdmin`. */
  retryLevelsMs(): number[] {
    return this.retryQueues.levels();
  }

  async create({ prefetch }: { prefetch: number }): Promise<Consumer> {
    await this.connection.waitUntilConnected(5_000);
    const channel = await this.connection.createConfirmChannel();
    // Listen before the first RPC: a declare the broker refuses closes the channel with an
    // error, and an unheard channel error makes amqplib drop the whole shared connection.
    let refused: Error | undefined;
    const onError = (error: Error) => (refused = error);
    channel.on('error', onError);
    try {
      if (this.options.declare) {
        await this.options.declare(channel);
      } else if (this.options.declareQueue ?? true) {
        await channel.assertQueue(this.options.queue, { durable: true });
        await channel.assertQueue(this.deadLetterQueue, { durable: true });
      } else {
        await channel.checkQueue(this.options.queue);
        await channel.checkQueue(this.deadLetterQueue); // dead letters need somewhere to go
      }
    } catch (error) {
      await channel.close().catch(() => undefined);
      throw refused ?? error;
    } finally {
      channel.off('error', onError);
    }
    return new RabbitMQConsumer(channel, prefetch, {
      queue: this.options.queue,
      deadLetterQueue: this.deadLetterQueue,
      retryQueues: this.retryQueues,
      republishFailureDelayMs: this.options.republishFailureDelayMs ?? 1_000,
    });
  }
}
