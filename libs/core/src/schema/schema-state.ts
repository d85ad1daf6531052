import { quoteIdentifier } from '../sql/sql-identifier';
import type { SchemaChain } from './schema-chain.interface';

/** Runs one statement and gives its rows (a TypeORM manager's `query`, or a pg client's wrapped). */
export type SchemaQuery = (sql: string, parameters?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * What a schema holds for a component:
 * - `missing`: none of its tables;
 * - `unversioned`: tables but no version table (made before the schema was versioned);
 * - `versioned`: the highest version recorded (0 if the version table is empty).
 */
export type SchemaState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'unversioned' }
  | { readonly kind: 'versioned'; readonly version: number };

export async function readSchemaState(
  query: SchemaQuery,
  chain: SchemaChain,
  schema: string,
): Promise<SchemaState> {
  const quotedSchema = quoteIdentifier(schema, 'schema');
  const versionTable = `${quotedSchema}.${quoteIdentifier(chain.versionTable, 'version table')}`;
  const names = [
    versionTable,
    ...chain.tables.map((table) => `${quotedSchema}.${quoteIdentifier(table, 'table')}`),
  ];
  // to_regclass gives null for a table that does not exist, where a plain query would fail.
  const [found] = await query(
    `SELECT to_regclass($1) IS NOT NULL AS versioned,
            (SELECT count(*) FROM unnest($2::text[]) AS t(name) WHERE to_regclass(t.name) IS NOT NULL)::int AS tables`,
    [names[0], names.slice(1)],
  );
  if (found.versioned) {
    const [row] = await query(`SELECT coalesce(max(version), 0)::int AS version FROM ${versionTable}`);
    return { kind: 'versioned', version: Number(row.version) };
  }
  return Number(found.tables) > 0 ? { kind: 'unversioned' } : { kind: 'missing' };
}

/** The version a state stands for: nothing applied is 0, like tables made before versioning. */
export function schemaStateVersion(state: SchemaState): number {
  return state.kind === 'versioned' ? state.version : 0;
}
