import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A TypeORM migration class named `name` (ending in its 13-digit timestamp) applying `up` / `down` statements. */
export function schemaMigration(name: string, up: string[], down: string[]): new () => MigrationInterface {
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
