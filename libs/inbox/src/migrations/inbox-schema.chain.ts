import { defineSchemaChain } from '@courier-nest/core/internal';
import { inboxSchemaV1 } from './inbox-schema-v1.step';
import { inboxSchemaV2 } from './inbox-schema-v2.step';

/**
 * The inbox schema as versioned steps, oldest first. APPEND-ONLY: a shipped step is
 * never edited; a change is a new `inbox-schema-v<N>.step.ts` added at the end
 * (see README.md). The bootstrap check expects the last step's version.
 */
export const inboxSchemaChain = defineSchemaChain({
  component: 'inbox',
  packageName: '@courier-nest/inbox',
  moduleName: 'InboxModule',
  migrationsFunction: 'inboxMigrations',
  migrationPrefix: 'CourierInbox',
  versionTable: 'inbox_schema_version',
  tables: ['inbox_messages', 'inbox_handler_states'],
  lockKey: 0x636f7573, // "cous": instances booting together must not race on DDL
  steps: [inboxSchemaV1, inboxSchemaV2],
});
