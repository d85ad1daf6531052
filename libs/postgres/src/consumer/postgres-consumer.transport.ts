import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConsumerFactory, ConsumerTransport } from '@courier-nest/consumer';
import { PostgresBusProvider } from '../bus.provider';
import { RESOLVED_POSTGRES_OPTIONS, type ResolvedPostgresOptions } from '../postgres-options.resolver';
import { PostgresConsumerFactory } from './postgres-consumer.factory';

/** `@ConsumeQueue` on the PostgreSQL bus: each queue is declared, with `<queue>.dead` beside it. */
@Injectable()
export class PostgresConsumerTransport implements ConsumerTransport {
  private readonly logger = new Logger('PostgresConsumer');

  constructor(
    private readonly provider: PostgresBusProvider,
    @Inject(RESOLVED_POSTGRES_OPTIONS) private readonly options: ResolvedPostgresOptions,
  ) {}

  consumerFactory(queue: string): ConsumerFactory {
    const { leaseMs, pollIntervalMs } = this.options;
    return new PostgresConsumerFactory(this.provider.bus, queue, { leaseMs, pollIntervalMs }, this.logger);
  }
}
