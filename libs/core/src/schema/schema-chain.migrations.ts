import type { MigrationInterface } from 'typeorm';
import { schemaMigration } from '../postgres/schema-migration';
import type { SchemaChain } from './schema-chain.interface';
import { schemaMigrationName } from './schema-chain';

/**
 * The whole chain as TypeORM migration classes, one per step, named
 * `<prefix><Schema><timestamp>`. TypeORM tracks migrations by name, so a database that
 * ran some steps runs only the later ones.
 */
export function schemaChainMigrations(
  chain: SchemaChain,
  schema: string,
): Array<new () => MigrationInterface> {
  return chain.steps.map((step) =>
    schemaMigration(schemaMigrationName(chain, schema, step), step.up(schema), step.down(schema)),
  );
}
