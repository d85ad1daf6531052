import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConsumerFactory, ConsumerTransport } from '@courier-nest/consumer';
import { PostgresBusProvider } from '../bus.provider';
import { RESOLVED_POSTGRES_OPTIONS, type ResolvedPostgresOptions } from '../postgres-options.resolver';
import { PostgresConsumerFactory } from './postgres-consumer.factory';

/** `@ConsumeQueue` on the PostgreSQL bus: each queue is declared, with `<queue>.dead` beside it. */
@Injectable()
export class PostgresConsumerTransport implements ConsumerTransport {
  private readonly logger = new Logger('PostgresConsumer');
  private readonly factories = new Map<string, PostgresConsumerFactory>();

  constructor(
    private readonly provider: PostgresBusProvider,
    @Inject(RESOLVED_POSTGRES_OPTIONS) private readonly options: ResolvedPostgresOptions,
  ) {}

  consumerFactory(queue: string): ConsumerFactory {
    const { leaseMs, pollIntervalMs } = this.options;
    const factory = new PostgresConsumerFactory(
      this.provider.bus,
      queue,
      { leaseMs, pollIntervalMs },
      this.logger,
    );
    this.factories.set(queue, factory);
    return factory;
  }

  /** The latest factory made for each queue: the consumer queues the queue admin serves. */
  consumerFactories(): PostgresConsumerFactory[] {
    return [...this.factories.values()];
  }
}
