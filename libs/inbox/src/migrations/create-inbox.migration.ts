import type { MigrationInterface, QueryRunner } from 'typeorm';
import { inboxDropSql, inboxSchemaSql } from './inbox-schema.sql';

/**
 * TypeORM migrations for the inbox in a given schema.
 *
 * @example
 * new DataSource({ ..., migrations: [...inboxMigrations('courier')] })
 */
export function inboxMigrations(schema = 'courier'): Array<new () => MigrationInterface> {
  const up = inboxSchemaSql(schema);
  const down = inboxDropSql(schema);
  const name = `CourierInbox${schema.replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase())}1763800000001`;
  class CourierInbox1763800000001 implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of up) await queryRunner.query(statement);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const statement of down) await queryRunner.query(statement);
    }
  }
  return [CourierInbox1763800000001];
}
