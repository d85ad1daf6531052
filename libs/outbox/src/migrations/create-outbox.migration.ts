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
  class CourierOutbox1763800000000 implements MigrationInterface {
    readonly name = 'CourierOutbox1763800000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of up) await queryRunner.query(statement);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const statement of down) await queryRunner.query(statement);
    }
  }
  return [CourierOutbox1763800000000];
}
