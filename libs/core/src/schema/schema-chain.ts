import { quoteIdentifier } from '../sql/sql-identifier';
import type { SchemaChain, SchemaStep } from './schema-chain.interface';

const STEP_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * The statement that ends every step: records its version in the component's version
 * table (created here on first use), so the version can be checked however the step ran
 * (TypeORM, `migrationsRun`, or SQL pasted by a DBA). Applying it twice changes nothing.
 */
export function schemaVersionRecordSql(
  schema: string,
  versionTable: string,
  step: Pick<SchemaStep, 'version' | 'name'>,
): string[] {
  const table = `${quoteIdentifier(schema, 'schema')}.${quoteIdentifier(versionTable, 'version table')}`;
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (
      version    integer     PRIMARY KEY,
      name       text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`,
    `INSERT INTO ${table} (version, name) VALUES (${step.version}, '${step.name}') ON CONFLICT (version) DO NOTHING`,
  ];
}

/**
 * Checks a chain once, where it is defined: versions 1..n in order, timestamps rising,
 * names that can sit in SQL, and every step ending with its version record. A chain that
 * breaks these rules fails as soon as its lib is loaded (and in its unit spec).
 */
export function defineSchemaChain(chain: SchemaChain): SchemaChain {
  quoteIdentifier(chain.versionTable, 'version table');
  chain.tables.forEach((table) => quoteIdentifier(table, 'table'));
  if (chain.steps.length === 0) throw new Error(`The ${chain.component} schema chain has no steps`);
  chain.steps.forEach((step, index) => {
    const where = `${chain.component} schema step ${index + 1} (${step.name})`;
    if (step.version !== index + 1) throw new Error(`${where} has version ${step.version}, not ${index + 1}`);
    if (!STEP_NAME.test(step.name)) throw new Error(`${where}: the name must be kebab-case`);
    if (!/^\d{13}$/.test(String(step.timestamp)))
      throw new Error(`${where}: the timestamp must have 13 digits`);
    const before = chain.steps[index - 1];
    if (before && step.timestamp <= before.timestamp) {
      throw new Error(`${where}: the timestamp must be larger than the step before's`);
    }
    const recorded = schemaVersionRecordSql('schema_check', chain.versionTable, step);
    if (step.up('schema_check').slice(-recorded.length).join('\n') !== recorded.join('\n')) {
      throw new Error(`${where} does not end with its version record (schemaVersionRecordSql)`);
    }
  });
  return Object.freeze({ ...chain, steps: Object.freeze([...chain.steps]) });
}

/** The version the code expects: the last step's. */
export function latestSchemaVersion(chain: SchemaChain): number {
  return chain.steps[chain.steps.length - 1].version;
}

/** The steps a database at `version` still needs, in order (all of them from 0). */
export function schemaStepsAfter(chain: SchemaChain, version: number): readonly SchemaStep[] {
  return chain.steps.filter((step) => step.version > version);
}

/** The TypeORM migration name of a step: `CourierOutboxOrdersCourier1763800000000`. */
export function schemaMigrationName(chain: SchemaChain, schema: string, step: SchemaStep): string {
  quoteIdentifier(schema, 'schema');
  const pascal = schema.replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase());
  return `${chain.migrationPrefix}${pascal}${step.timestamp}`;
}
