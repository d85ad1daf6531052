import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { applySchema } from '@courier-nest/core/internal';
import { outboxSchemaSql } from './migrations/outbox-schema.sql';
import { OUTBOX_DATA_SOURCE, RESOLVED_OUTBOX_OPTIONS } from './outbox.constants';
import type { ResolvedOutboxOptions } from './outbox-options.resolver';

// Any constant works; it only has to be the same in every instance starting at once.
const MIGRATION_LOCK = 0x636f7572; // "cour"

/** With `migrationsRun: true`, creates / migrates the outbox tables before the relay starts. */
@Injectable()
export class OutboxSchemaInitializer implements OnModuleInit {
  private readonly logger = new Logger('OutboxSchema');

  constructor(
    @Inject(RESOLVED_OUTBOX_OPTIONS) private readonly options: ResolvedOutboxOptions,
    @Inject(OUTBOX_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.options.migrationsRun) return;
    await applySchema(this.dataSource, MIGRATION_LOCK, outboxSchemaSql(this.options.schema));
    this.logger.log(`Outbox tables ready in schema "${this.options.schema}"`);
  }
}
