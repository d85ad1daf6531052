import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { applySchemaChain, checkSchemaVersion } from '@courier-nest/core/internal';
import { inboxSchemaChain } from './migrations/inbox-schema.chain';
import { INBOX_DATA_SOURCE, RESOLVED_INBOX_OPTIONS } from './inbox.constants';
import type { ResolvedInboxOptions } from './inbox-options.resolver';

/**
 * Before the dispatcher starts: with `migrationsRun: true`, applies the schema steps the
 * database is missing; in every case, refuses to start (SchemaVersionError) unless the
 * tables are at the version this code needs.
 */
@Injectable()
export class InboxSchemaInitializer implements OnModuleInit {
  private readonly logger = new Logger('InboxSchema');

  constructor(
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
    @Inject(INBOX_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const { schema } = this.options;
    if (this.options.migrationsRun) {
      const applied = await applySchemaChain(this.dataSource, inboxSchemaChain, schema);
      if (applied.from !== applied.to) {
        this.logger.log(
          `Inbox tables in schema "${schema}" migrated from version ${applied.from} to ${applied.to}`,
        );
      }
    }
    await checkSchemaVersion(this.dataSource, inboxSchemaChain, schema);
  }
}
