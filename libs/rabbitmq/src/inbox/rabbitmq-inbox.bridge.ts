import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  ConsumerHeaders,
  ConsumerMetrics,
  ConsumerRunner,
  Outcome,
  type Message,
  type ProcessOutcome,
} from '@courier-nest/consumer';
import { INBOX_FEED, incomingFromDelivery, type InboxFeed } from '@courier-nest/core';
import { RabbitMQConnection } from '../connection/rabbitmq.connection';
import { RabbitMQConsumerFactory } from '../consumer/rabbitmq-consumer.factory';
import type { RabbitMQMessage } from '../consumer/rabbitmq.message';
import { RESOLVED_RABBITMQ_OPTIONS, type ResolvedRabbitMQOptions } from '../rabbitmq-options.resolver';
import { declareInboxQueue } from './inbox-queue.topology';
import { InboxStoreBatcher } from './inbox-store.batcher';

/** Header naming why a delivery was dead-lettered (the consumer component's). */
export const DEAD_LETTER_REASON_HEADER = ConsumerHeaders.deadLetterReason;

/**
 * Feeds the inbox from RabbitMQ, on the consumer component: for every event type with
 * handlers, a runner consumes a durable queue (`<service>.<eventType>`) bound to the
 * exchange of that name; an event type that gets its first handler after bootstrap
 * (`InboxService.registerHandler`) gets its runner then. Deliveries are stored in
 * batches, committed, then acked. A delivery that can never be stored (malformed) is
 * dead-lettered with the reason, never requeued in a loop; when the database is down,
 * deliveries go back after a growing delay. The runners recreate their consumers after
 * the broker comes back.
 */
@Injectable()
export class RabbitMQInboxBridge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RabbitMQInboxBridge');
  private readonly runners: ConsumerRunner[] = [];
  private readonly subscribed = new Set<string>();
  private batcher?: InboxStoreBatcher;
  private stopping = false;

  constructor(
    private readonly connection: RabbitMQConnection,
    @Inject(RESOLVED_RABBITMQ_OPTIONS) private readonly options: ResolvedRabbitMQOptions,
    /** With InboxModule imported, its feed: the event types to consume and where to store them. */
    @Optional() @Inject(INBOX_FEED) private readonly feed?: InboxFeed,
    /** With ConsumerModule imported, the inbox queues show in the consumer metrics too. */
    @Optional() private readonly consumerMetrics?: ConsumerMetrics,
  ) {}

  private get enabled(): boolean {
    return !!this.feed && this.options.inbox.enabled;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const { prefetch, storeRetryDelayMs } = this.options.inbox;
    this.batcher = new InboxStoreBatcher(
      this.feed!,
      { retryDelayMs: storeRetryDelayMs, minBatchBesideARunningStore: Math.ceil(prefetch / 5) },
      this.logger,
    );
    for (const eventType of this.feed!.eventTypes()) this.subscribe(eventType);
    // Handlers registered after bootstrap (a microservice strategy's listen()) get their queue now.
    this.feed!.onEventTypeAdded?.((eventType) => this.subscribe(eventType));
  }

  /** Declares and consumes the queue of one event type, once; nothing after shutdown began. */
  private subscribe(eventType: string): void {
    if (!this.batcher || this.stopping || this.subscribed.has(eventType)) return;
    this.subscribed.add(eventType);
    const { prefetch, queueType, deliveryLimit } = this.options.inbox;
    const serviceName = this.feed!.serviceName;
    const batcher = this.batcher;
    const queue = this.queueName(eventType);
    const factory = new RabbitMQConsumerFactory(this.connection, {
      queue,
      deadLetterQueue: `${queue}.dead`,
      declare: (channel) =>
        declareInboxQueue(channel, { eventType, queue, serviceName, queueType, deliveryLimit }),
    });
    const runner = new ConsumerRunner(factory, (message) => this.store(message, eventType, batcher), {
      // Every delivery the broker hands over waits in the batcher at once: that is the batch.
      concurrency: prefetch,
      processTimeoutMs: 0,
      recreateBackoff: { initialDelayMs: 200, maxDelayMs: 2_000 },
      logger: this.logger,
      observer: this.consumerMetrics,
    });
    this.runners.push(runner);
    runner.start();
  }

  /** Stops consuming, lets stored deliveries be acked, then closes the channels. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  /** Consumers attached vs event types to consume. */
  consumers(): { attached: number; expected: number } {
    return {
      attached: this.runners.filter((runner) => runner.isConsuming).length,
      expected: this.enabled ? this.feed!.eventTypes().length : 0,
    };
  }

  queueName(eventType: string): string {
    return this.options.inbox.queueName(this.feed!.serviceName, eventType);
  }

  private store(
    message: Message,
    eventType: string,
    batcher: InboxStoreBatcher,
  ): Promise<ProcessOutcome> | ProcessOutcome {
    const inbound = incomingFromDelivery((message as RabbitMQMessage).delivery, eventType, this.feed!.codec);
    if (!inbound.ok) return Outcome.reject(inbound.reason);
    return batcher.store(inbound.message);
  }
}
