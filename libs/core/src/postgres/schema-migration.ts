import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A TypeORM migration class applying `up` / `down` statements. TypeORM records
 * migrations by name (timestamp last), so the name carries the schema.
 */
export function schemaMigration(
  prefix: string,
  schema: string,
  timestamp: number,
  up: string[],
  down: string[],
): new () => MigrationInterface {
  const name = `${prefix}${schema.replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase())}${timestamp}`;
  return class implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of up) await queryRunner.query(statement);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const statement of down) await queryRunner.query(statement);
    }
  };
}

/**
 * Applies idempotent DDL in one transaction under an advisory lock, so instances
 * booting together do not race on CREATE … IF NOT EXISTS.
 */
export async function applySchema(
  dataSource: DataSource,
  lockKey: number,
  statements: string[],
): Promise<void> {
  await dataSource.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
    for (const statement of statements) await manager.query(statement);
  });
}
