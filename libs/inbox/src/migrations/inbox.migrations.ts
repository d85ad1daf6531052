import type { MigrationInterface } from 'typeorm';
import { schemaChainMigrations, schemaStepsAfter } from '@courier-nest/core/internal';
import { inboxSchemaChain } from './inbox-schema.chain';

/**
 * TypeORM migrations for the inbox in a given schema: one per schema version, named
 * `CourierInbox<Schema><timestamp>` (version 1: `CourierInbox<Schema>1763800000001`).
 * TypeORM runs the ones a database has not run yet.
 *
 * @example
 * new DataSource({ ..., migrations: [...inboxMigrations('courier')] })
 */
export function inboxMigrations(schema = 'courier'): Array<new () => MigrationInterface> {
  return schemaChainMigrations(inboxSchemaChain, schema);
}

/**
 * The inbox DDL for a DBA: every step, or those after `fromVersion`, each ending with
 * its version record. `npx courier-schema sql --component inbox` prints the same.
 */
export function inboxSchemaSql(schema: string, fromVersion = 0): string[] {
  return schemaStepsAfter(inboxSchemaChain, fromVersion).flatMap((step) => step.up(schema));
}
