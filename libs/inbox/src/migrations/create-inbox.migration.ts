import type { MigrationInterface } from 'typeorm';
import { schemaMigration } from '@courier-nest/core/internal';
import { inboxDropSql, inboxSchemaSql } from './inbox-schema.sql';

/**
 * TypeORM migrations for the inbox in a given schema (named per schema:
 * `CourierInbox<Schema>1763800000001`).
 *
 * @example
 * new DataSource({ ..., migrations: [...inboxMigrations('courier')] })
 */
export function inboxMigrations(schema = 'courier'): Array<new () => MigrationInterface> {
  return [
    schemaMigration('CourierInbox', schema, 1763800000001, inboxSchemaSql(schema), inboxDropSql(schema)),
  ];
}
