import { defineSchemaChain } from '@courier-nest/core/internal';
import { busSchemaV1 } from './bus-schema-v1.step';
import { busSchemaV2 } from './bus-schema-v2.step';

/**
 * The bus schema (queues, subscriptions, messages) as versioned steps, oldest first.
 * APPEND-ONLY: a shipped step is never edited; a change is a new step at the end.
 */
export const busSchemaChain = defineSchemaChain({
  component: 'bus',
  packageName: '@courier-nest/postgres',
  moduleName: 'CourierPostgresModule',
  migrationsFunction: 'busMigrations',
  migrationPrefix: 'CourierBus',
  versionTable: 'bus_schema_version',
  tables: ['bus_queues', 'bus_subscriptions', 'bus_messages'],
  // Any constant works; it only has to be the same in every instance starting at once.
  lockKey: 0x62757321, // "bus!"
  steps: [busSchemaV1, busSchemaV2],
});
