import type { Client } from 'pg';

/**
 * What a schema's tables look like, with the schema's own name blanked out, so two
 * schemas built different ways (fresh chain, upgrade, psql, TypeORM) compare equal
 * exactly when they have the same columns, indexes, constraints, sequences, table
 * options and recorded versions.
 */
export async function schemaSnapshot(db: Client, schema: string): Promise<Record<string, unknown[]>> {
  const rows = async (sql: string) => (await db.query(sql, [schema])).rows;
  const snapshot = {
    columns:
      await rows(`SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default,
                                is_identity, identity_generation
                           FROM information_schema.columns WHERE table_schema = $1
                          ORDER BY table_name, ordinal_position`),
    indexes: await rows(
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname`,
    ),
    constraints: await rows(`SELECT cl.relname, con.conname, pg_get_constraintdef(con.oid) AS definition
                               FROM pg_constraint con
                               JOIN pg_class cl ON cl.oid = con.conrelid
                               JOIN pg_namespace n ON n.oid = cl.relnamespace
                              WHERE n.nspname = $1 ORDER BY cl.relname, con.conname`),
    relations: await rows(`SELECT c.relname, c.relkind, c.reloptions
                             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                            WHERE n.nspname = $1 AND c.relkind IN ('r', 'S', 'p') ORDER BY c.relname`),
    versions: [] as unknown[],
  };
  for (const { relname } of snapshot.relations as Array<{ relname: string }>) {
    if (!relname.endsWith('_schema_version')) continue;
    const { rows: versions } = await db.query(
      `SELECT '${relname}' AS version_table, version, name FROM "${schema}"."${relname}" ORDER BY version`,
    );
    snapshot.versions.push(...versions);
  }
  // Test schemas come from uniqueName, a name found nowhere else in the catalog's text.
  return JSON.parse(JSON.stringify(snapshot).split(schema).join('<schema>'));
}

/** Count of relations (tables, sequences) in a schema: 0 means nothing was created. */
export async function relationCount(db: Client, schema: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1`,
    [schema],
  );
  return rows[0].n;
}
