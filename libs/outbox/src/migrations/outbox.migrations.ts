import type { MigrationInterface } from 'typeorm';
import { schemaChainMigrations, schemaStepsAfter } from '@courier-nest/core/internal';
import { outboxSchemaChain } from './outbox-schema.chain';

/**
 * TypeORM migrations for the outbox in a given schema: one per schema version, named
 * `CourierOutbox<Schema><timestamp>` (version 1: `CourierOutbox<Schema>1763800000000`).
 * TypeORM runs the ones a database has not run yet.
 *
 * @example
 * new DataSource({ ..., migrations: [...outboxMigrations('courier')] })
 */
export function outboxMigrations(schema = 'courier'): Array<new () => MigrationInterface> {
  return schemaChainMigrations(outboxSchemaChain, schema);
}

/**
 * The outbox DDL for a DBA: every step, or those after `fromVersion`, each ending with
 * its version record. `npx courier-schema sql` prints the same.
 */
export function outboxSchemaSql(schema: string, fromVersion = 0): string[] {
  return schemaStepsAfter(outboxSchemaChain, fromVersion).flatMap((step) => step.up(schema));
}
