import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxDropSql, outboxSchemaSql } from './outbox-schema.sql';

/**
 * TypeORM migrations for the outbox in a given schema. Add them to your DataSource:
 *
 * @example
 * new DataSource({ ..., migrations: [...outboxMigrations('courier')] })
 */
export function outboxMigrations(schema = 'courier'): Array<new () => MigrationInterface> {
  const up = outboxSchemaSql(schema);
  const down = outboxDropSql(schema);
  // TypeORM records migrations by name (timestamp last): one name per schema.
  const name = `CourierOutbox${schema.replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase())}1763800000000`;
  class CourierOutbox1763800000000 implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of up) await queryRunner.query(statement);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const statement of down) await queryRunner.query(statement);
    }
  }
  return [CourierOutbox1763800000000];
}
