import type { DataSource } from 'typeorm';
import type { SchemaChain } from './schema-chain.interface';
import { latestSchemaVersion, schemaStepsAfter } from './schema-chain';
import { readSchemaState, schemaStateVersion, type SchemaQuery } from './schema-state';
import { SchemaVersionError } from '../errors/schema-version.error';

export interface AppliedSchema {
  /** The version found before (0: no tables, or tables made before versioning). */
  readonly from: number;
  readonly to: number;
}

/** Runs `work` in one transaction, with a query function bound to it. */
export type SchemaTransaction = <T>(work: (query: SchemaQuery) => Promise<T>) => Promise<T>;

/**
 * `migrationsRun`: applies the steps the schema is missing, in order, in one transaction
 * under the chain's advisory lock, so instances booting together apply them once. A
 * schema newer than the chain is refused (this code would not know its tables).
 * Version 1 is idempotent, so tables made before versioning are brought to it safely.
 */
export async function applySchemaChain(
  dataSource: DataSource,
  chain: SchemaChain,
  schema: string,
): Promise<AppliedSchema> {
  return applySchemaChainIn(
    (work) => dataSource.transaction((manager) => work((sql, parameters) => manager.query(sql, parameters))),
    chain,
    schema,
  );
}

/** `applySchemaChain` on any connection: `transaction` runs the work in one transaction. */
export async function applySchemaChainIn(
  transaction: SchemaTransaction,
  chain: SchemaChain,
  schema: string,
): Promise<AppliedSchema> {
  return transaction(async (query) => {
    await query('SELECT pg_advisory_xact_lock($1)', [chain.lockKey]);
    const state = await readSchemaState(query, chain, schema);
    const from = schemaStateVersion(state);
    if (from > latestSchemaVersion(chain)) throw new SchemaVersionError(chain, schema, state);
    for (const step of schemaStepsAfter(chain, from)) {
      for (const statement of step.up(schema)) await query(statement);
    }
    return { from, to: latestSchemaVersion(chain) };
  });
}

/**
 * The bootstrap check: refuses to start on a schema that is not at the chain's version
 * (no tables, older, or newer), with an error naming the fixes.
 */
export async function checkSchemaVersion(
  dataSource: DataSource,
  chain: SchemaChain,
  schema: string,
): Promise<void> {
  await checkSchemaVersionWith((sql, parameters) => dataSource.query(sql, parameters), chain, schema);
}

/** `checkSchemaVersion` on any connection. */
export async function checkSchemaVersionWith(
  query: SchemaQuery,
  chain: SchemaChain,
  schema: string,
): Promise<void> {
  const state = await readSchemaState(query, chain, schema);
  if (state.kind !== 'versioned' || state.version !== latestSchemaVersion(chain)) {
    throw new SchemaVersionError(chain, schema, state);
  }
}
