import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { applySchemaChain, checkSchemaVersion } from '@courier-nest/core/internal';
import { outboxSchemaChain } from './migrations/outbox-schema.chain';
import { OUTBOX_DATA_SOURCE, RESOLVED_OUTBOX_OPTIONS } from './outbox.constants';
import type { ResolvedOutboxOptions } from './outbox-options.resolver';

/**
 * Before the relay starts: with `migrationsRun: true`, applies the schema steps the
 * database is missing; in every case, refuses to start (SchemaVersionError) unless the
 * tables are at the version this code needs.
 */
@Injectable()
export class OutboxSchemaInitializer implements OnModuleInit {
  private readonly logger = new Logger('OutboxSchema');

  constructor(
    @Inject(RESOLVED_OUTBOX_OPTIONS) private readonly options: ResolvedOutboxOptions,
    @Inject(OUTBOX_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const { schema } = this.options;
    if (this.options.migrationsRun) {
      const applied = await applySchemaChain(this.dataSource, outboxSchemaChain, schema);
      if (applied.from !== applied.to) {
        this.logger.log(
          `Outbox tables in schema "${schema}" migrated from version ${applied.from} to ${applied.to}`,
        );
      }
    }
    await checkSchemaVersion(this.dataSource, outboxSchemaChain, schema);
  }
}
