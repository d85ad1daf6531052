import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DEFAULT_DEAD_LETTER_SUFFIX } from '@courier-nest/consumer';
import { INBOX_FEED, type InboxFeed } from '@courier-nest/core';
import { BatchClaimers, LeasedWorkEngine, processOwnerId } from '@courier-nest/core/internal';
import { PostgresBusProvider } from '../bus.provider';
import { BusQueue } from '../consumer/bus-queue';
import { BusSettler } from '../consumer/bus-settler';
import type { BusDelivery } from '../consumer/bus-delivery';
import { RESOLVED_POSTGRES_OPTIONS, type ResolvedPostgresOptions } from '../postgres-options.resolver';
import { InboxStoreProcessor } from './inbox-store.processor';

/** Two claimers: one stores a batch while the other claims the next. */
const CLAIMERS = 2;
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Feeds the inbox from the PostgreSQL bus: for every event type with handlers, a queue
 * (`<service>.<eventType>`) subscribed to the destination of that name, drained by a
 * leased-work engine in batches (stored, committed, then deleted from the queue). An
 * event type that gets its first handler after bootstrap gets its queue then.
 */
@Injectable()
export class PostgresInboxBridge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PostgresInboxBridge');
  private readonly engines = new Map<string, LeasedWorkEngine<BusDelivery, number>>();
  private readonly unsubscribes: Array<() => void> = [];
  private readonly owner = processOwnerId();
  private stopping = false;

  constructor(
    private readonly provider: PostgresBusProvider,
    @Inject(RESOLVED_POSTGRES_OPTIONS) private readonly options: ResolvedPostgresOptions,
    /** With InboxModule imported, its feed: the event types to consume and where to store them. */
    @Optional() @Inject(INBOX_FEED) private readonly feed?: InboxFeed,
  ) {}

  private get enabled(): boolean {
    return !!this.feed && this.options.inbox.enabled;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    for (const eventType of this.feed!.eventTypes()) await this.subscribe(eventType);
    this.feed!.onEventTypeAdded?.((eventType) => {
      this.subscribe(eventType).catch((error: Error) =>
        this.logger.error(`Could not subscribe the inbox to "${eventType}": ${error.message}`),
      );
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.unsubscribes.forEach((unsubscribe) => unsubscribe());
    await Promise.all([...this.engines.values()].map((engine) => engine.stop()));
  }

  /** Engines running vs event types to consume. */
  consumers(): { attached: number; expected: number } {
    return {
      attached: [...this.engines.values()].filter((engine) => engine.isRunning()).length,
      expected: this.enabled ? this.feed!.eventTypes().length : 0,
    };
  }

  queueName(eventType: string): string {
    return this.options.inbox.queueName(this.feed!.serviceName, eventType);
  }

  /** Subscribes the event type's queue to its destination and drains it, once; nothing after shutdown began. */
  private async subscribe(eventType: string): Promise<void> {
    if (this.stopping || this.engines.has(eventType)) return;
    const { bus } = this.provider;
    const name = this.queueName(eventType);
    const deadLetterQueue = `${name}${DEFAULT_DEAD_LETTER_SUFFIX}`;
    const queue = new BusQueue(bus, name, this.owner);
    const settler = new BusSettler(bus, (error) =>
      this.logger.warn(`Settling deliveries of "${name}" failed (they come again): ${error.message}`),
    );
    const engine = new LeasedWorkEngine(
      queue,
      new InboxStoreProcessor(this.feed!, eventType, queue, deadLetterQueue, settler),
      new BatchClaimers(CLAIMERS, 0),
      {
        batchSize: this.options.inbox.batchSize,
        leaseMs: this.options.leaseMs,
        pollIntervalMs: this.options.pollIntervalMs,
        pollJitter: 0.2,
        shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
      },
      this.logger,
    );
    this.engines.set(eventType, engine);
    await bus.subscribe(eventType, name);
    await bus.declareQueues(deadLetterQueue);
    this.unsubscribes.push(await bus.notifications.subscribe(name, () => engine.wake()));
    engine.start();
  }
}
