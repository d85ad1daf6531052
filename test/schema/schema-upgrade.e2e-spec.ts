import type { Client } from 'pg';
import { applySchemaChain, latestSchemaVersion, schemaChainMigrations } from '@courier-nest/core/internal';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { schemaSnapshot } from '../harness/schema-snapshot';
import { chains, openDataSource, tableRows, versionOneRows } from './schema-fixtures';

// Whatever steps follow version 1, a database made by version 1 (the first release
// with a versioned schema) must reach the same schema as a fresh one and keep its rows.
describe.each(chains)('%s schema: upgrade from version 1 to the current chain', (_name, chain) => {
  let db: Client;
  const schemas: string[] = [];
  const newSchema = (label: string) => {
    const schema = uniqueName(`schema_${label}`);
    schemas.push(schema);
    return schema;
  };

  /** Tables made by the version-1 step alone, with rows in them; returns the rows. */
  const versionOneWithRows = async (schema: string) => {
    for (const statement of chain.steps[0].up(schema)) await db.query(statement);
    for (const statement of versionOneRows[chain.component](schema)) await db.query(statement);
    return tableRows(db, chain, schema);
  };

  /** The rows of `schema` now in the tables there were before, reduced to the columns they had. */
  const rowsAsBefore = async (schema: string, before: Record<string, unknown[]>) => {
    const now = await tableRows(db, chain, schema);
    return Object.fromEntries(
      Object.keys(before).map((table) => [
        table,
        now[table].map((row) =>
          pick(row as Record<string, unknown>, Object.keys(before[table][0] as object)),
        ),
      ]),
    );
  };

  let fresh: Record<string, unknown[]>;

  beforeAll(async () => {
    db = await openDatabase();
    const schema = newSchema('fresh');
    const dataSource = await openDataSource();
    await applySchemaChain(dataSource, chain, schema).finally(() => dataSource.destroy());
    fresh = await schemaSnapshot(db, schema);
  });

  afterAll(async () => {
    for (const schema of schemas) await dropSchema(db, schema);
    await db.end();
  });

  it('a fresh chain makes the tables and records every version up to the latest', () => {
    const tables = new Set(fresh.columns.map((column) => (column as { table_name: string }).table_name));
    expect([...tables].sort()).toEqual([...chain.tables, chain.versionTable].sort());
    expect(fresh.indexes.length).toBeGreaterThan(chain.tables.length);
    expect(fresh.versions).toEqual(
      chain.steps.map((step) => ({
        version_table: chain.versionTable,
        version: step.version,
        name: step.name,
      })),
    );
    expect(fresh.versions.at(-1)).toMatchObject({ version: latestSchemaVersion(chain) });
  });

  it('migrationsRun (applySchemaChain) brings version-1 tables to the fresh schema and keeps the rows', async () => {
    const schema = newSchema('upgrade');
    const before = await versionOneWithRows(schema);
    expect(Object.values(before).every((rows) => rows.length > 0)).toBe(true);

    const dataSource = await openDataSource();
    try {
      expect(await applySchemaChain(dataSource, chain, schema)).toEqual({
        from: 1,
        to: latestSchemaVersion(chain),
      });
      // Applying again finds nothing to do.
      expect(await applySchemaChain(dataSource, chain, schema)).toEqual({
        from: latestSchemaVersion(chain),
        to: latestSchemaVersion(chain),
      });
    } finally {
      await dataSource.destroy();
    }
    expect(await schemaSnapshot(db, schema)).toEqual(fresh);
    expect(await rowsAsBefore(schema, before)).toEqual(before);
  });

  it('TypeORM, having run the version-1 migration, runs only the later ones and reaches the same schema', async () => {
    const schema = newSchema('typeorm');
    const migrationsTableName = `${schema}_migrations`;
    const migrations = schemaChainMigrations(chain, schema);

    const first = await openDataSource({ migrations: migrations.slice(0, 1), migrationsTableName });
    try {
      expect((await first.runMigrations()).map((m) => m.name)).toEqual([new migrations[0]().name]);
    } finally {
      await first.destroy();
    }
    const before = await tableRows(db, chain, schema);
    for (const statement of versionOneRows[chain.component](schema)) await db.query(statement);
    const withRows = await tableRows(db, chain, schema);
    expect(withRows).not.toEqual(before);

    const all = await openDataSource({ migrations, migrationsTableName });
    try {
      const ran = (await all.runMigrations()).map((m) => m.name);
      expect(ran).toEqual(migrations.slice(1).map((m) => new m().name));
    } finally {
      await all.destroy();
      await db.query(`DROP TABLE IF EXISTS public."${migrationsTableName}"`);
    }
    expect(await schemaSnapshot(db, schema)).toEqual(fresh);
    expect(await rowsAsBefore(schema, withRows)).toEqual(withRows);
  });
});

function pick(row: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, row[key]]));
}
