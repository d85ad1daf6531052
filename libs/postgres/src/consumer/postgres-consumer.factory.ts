import { DEFAULT_DEAD_LETTER_SUFFIX, type Consumer, type ConsumerFactory } from '@courier-nest/consumer';
import { processOwnerId } from '@courier-nest/core/internal';
import type { BusLogger } from '../bus-notifications';
import type { PostgresBus } from '../postgres-bus';
import { PostgresConsumer } from './postgres.consumer';

export interface PostgresConsumerOptions {
  /** Where messages that gave up go; default `<queue>.dead`. */
  deadLetterQueue?: string;
  /** How long a delivery is leased without a renewal (renewed while it is held); default 5 s. */
  leaseMs?: number;
  /** Fallback poll of an idle consumer; default 1 s. */
  pollIntervalMs?: number;
}

/** Makes consumers of one bus queue, declaring it and its dead-letter queue first. */
export class PostgresConsumerFactory implements ConsumerFactory {
  private readonly consumers = new Set<PostgresConsumer>();
  private readonly owner = processOwnerId();

  constructor(
    private readonly bus: PostgresBus,
    readonly source: string,
    private readonly options: PostgresConsumerOptions,
    private readonly logger: BusLogger,
  ) {}

  /** Where messages of this queue that gave up go. */
  get deadLetterQueue(): string {
    return this.options.deadLetterQueue ?? `${this.source}${DEFAULT_DEAD_LETTER_SUFFIX}`;
  }

  /** Consumers of this factory claiming now (not paused, not closed): this process's only. */
  get subscribed(): number {
    return [...this.consumers].filter((consumer) => consumer.isClaiming()).length;
  }

  async create({ prefetch }: { prefetch: number }): Promise<Consumer> {
    const deadLetterQueue = this.deadLetterQueue;
    await this.bus.declareQueues(this.source, deadLetterQueue);
    const consumer = new PostgresConsumer(
      this.bus,
      {
        queue: this.source,
        deadLetterQueue,
        owner: this.owner,
        leaseMs: this.options.leaseMs ?? 5_000,
        pollIntervalMs: this.options.pollIntervalMs ?? 1_000,
      },
      prefetch,
      this.logger,
      () => this.consumers.delete(consumer),
    );
    this.consumers.add(consumer);
    return consumer;
  }
}
