import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { applySchema } from '@courier-nest/core/internal';
import { inboxSchemaSql } from './migrations/inbox-schema.sql';
import { INBOX_DATA_SOURCE, RESOLVED_INBOX_OPTIONS } from './inbox.constants';
import type { ResolvedInboxOptions } from './inbox-options.resolver';

const MIGRATION_LOCK = 0x636f7573; // "cous": instances booting together must not race on DDL

/** With `migrationsRun: true`, creates / migrates the inbox tables before the dispatcher starts. */
@Injectable()
export class InboxSchemaInitializer implements OnModuleInit {
  private readonly logger = new Logger('InboxSchema');

  constructor(
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
    @Inject(INBOX_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.options.migrationsRun) return;
    await applySchema(this.dataSource, MIGRATION_LOCK, inboxSchemaSql(this.options.schema));
    this.logger.log(`Inbox tables ready in schema "${this.options.schema}"`);
  }
}
