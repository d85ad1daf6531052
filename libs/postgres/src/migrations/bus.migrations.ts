import type { MigrationInterface } from 'typeorm';
import { schemaChainMigrations, schemaStepsAfter } from '@courier-nest/core/internal';
import { busSchemaChain } from './bus-schema.chain';

/**
 * TypeORM migrations for the bus tables in a given schema, one per schema version,
 * named `CourierBus<Schema><timestamp>`.
 *
 * @example
 * new DataSource({ ..., migrations: [...busMigrations('courier_bus')] })
 */
export function busMigrations(schema = 'courier_bus'): Array<new () => MigrationInterface> {
  return schemaChainMigrations(busSchemaChain, schema);
}

/** The bus DDL for a DBA: every step, or those after `fromVersion`, each ending with its version record. */
export function busSchemaSql(schema: string, fromVersion = 0): string[] {
  return schemaStepsAfter(busSchemaChain, fromVersion).flatMap((step) => step.up(schema));
}
