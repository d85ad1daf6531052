import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DEFAULT_DEAD_LETTER_SUFFIX, type Consumer, type ConsumerFactory } from '@courier-nest/consumer';
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
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly bus: PostgresBus,
    readonly source: string,
    private readonly options: PostgresConsumerOptions,
    private readonly logger: BusLogger,
  ) {}

  async create({ prefetch }: { prefetch: number }): Promise<Consumer> {
    const deadLetterQueue = this.options.deadLetterQueue ?? `${this.source}${DEFAULT_DEAD_LETTER_SUFFIX}`;
    await this.bus.declareQueues(this.source, deadLetterQueue);
    return new PostgresConsumer(
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
    );
  }
}
