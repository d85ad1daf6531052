import { defineSchemaChain } from '@courier-nest/core/internal';
import { outboxSchemaV1 } from './outbox-schema-v1.step';
import { outboxSchemaV2 } from './outbox-schema-v2.step';
import { outboxSchemaV3 } from './outbox-schema-v3.step';
import { outboxSchemaV4 } from './outbox-schema-v4.step';

/**
 * The outbox schema as versioned steps, oldest first. APPEND-ONLY: a shipped step is
 * never edited; a change is a new `outbox-schema-v<N>.step.ts` added at the end
 * (see README.md). The bootstrap check expects the last step's version.
 */
export const outboxSchemaChain = defineSchemaChain({
  component: 'outbox',
  packageName: '@courier-nest/outbox',
  moduleName: 'OutboxModule',
  migrationsFunction: 'outboxMigrations',
  migrationPrefix: 'CourierOutbox',
  versionTable: 'outbox_schema_version',
  tables: ['outbox_messages', 'outbox_scheduled_messages'],
  // Any constant works; it only has to be the same in every instance starting at once.
  lockKey: 0x636f7572, // "cour"
  steps: [outboxSchemaV1, outboxSchemaV2, outboxSchemaV3, outboxSchemaV4],
});
