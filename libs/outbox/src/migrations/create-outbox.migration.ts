import type { MigrationInterface } from 'typeorm';
import { schemaMigration } from '@courier-nest/core/internal';
import { outboxDropSql, outboxSchemaSql } from './outbox-schema.sql';

/**
 * TypeORM migrations for the outbox in a given schema (named per schema:
 * `CourierOutbox<Schema>1763800000000`). Add them to your DataSource:
 *
 * @example
 * new DataSource({ ..., migrations: [...outboxMigrations('courier')] })
 */
export function outboxMigrations(schema = 'courier'): Array<new () => MigrationInterface> {
  return [
    schemaMigration('CourierOutbox', schema, 1763800000000, outboxSchemaSql(schema), outboxDropSql(schema)),
  ];
}
