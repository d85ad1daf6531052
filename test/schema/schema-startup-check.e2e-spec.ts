import { ConsoleLogger, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Client } from 'pg';
import { SchemaVersionError, type SchemaChain } from '@courier-nest/core';
import { latestSchemaVersion } from '@courier-nest/core/internal';
import { InboxModule, inboxSchemaChain, inboxSchemaSql } from '@courier-nest/inbox';
import { OutboxModule, outboxSchemaChain, outboxSchemaSql } from '@courier-nest/outbox';
import { dropSchema, openDatabase } from '../harness/database';
import { DATABASE_URL, uniqueName } from '../harness/env';
import { relationCount } from '../harness/schema-snapshot';

class RecordingLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  protected override printMessages(messages: unknown[], context = ''): void {
    this.lines.push(`[${context}] ${messages.map(String).join(' ')}`);
  }
}

interface Case {
  chain: SchemaChain;
  module: (schema: string, migrationsRun: boolean) => DynamicModule;
  sql: (schema: string) => string[];
  fix: (schema: string) => string[];
}

const cases: Array<[string, Case]> = [
  [
    'OutboxModule',
    {
      chain: outboxSchemaChain,
      module: (schema, migrationsRun) =>
        OutboxModule.forRoot({ schema, migrationsRun, relay: { enabled: false } }),
      sql: outboxSchemaSql,
      fix: (schema) => [
        `outboxMigrations('${schema}')`,
        'OutboxModule option migrationsRun: true',
        `npx courier-schema sql --schema ${schema} --component outbox`,
      ],
    },
  ],
  [
    'InboxModule',
    {
      chain: inboxSchemaChain,
      module: (schema, migrationsRun) =>
        InboxModule.forRoot({ schema, migrationsRun, dispatcher: { enabled: false } }),
      sql: inboxSchemaSql,
      fix: (schema) => [
        `inboxMigrations('${schema}')`,
        'InboxModule option migrationsRun: true',
        `npx courier-schema sql --schema ${schema} --component inbox`,
      ],
    },
  ],
];

describe.each(cases)('%s bootstrap checks the schema version', (_name, { chain, module, sql, fix }) => {
  let db: Client;
  const schemas: string[] = [];
  const latest = latestSchemaVersion(chain);
  const versionTable = (schema: string) => `"${schema}"."${chain.versionTable}"`;

  /** Starts an HTTP app as a service would (init logs "successfully started"), with the given module. */
  const start = async (schema: string, migrationsRun: boolean) => {
    @Module({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: DATABASE_URL }),
        module(schema, migrationsRun),
      ],
    })
    class ServiceModule {}
    const logger = new RecordingLogger();
    const app = await NestFactory.create(ServiceModule, { logger, abortOnError: false });
    const started = await app.init().then(
      () => undefined,
      (error: unknown) => error,
    );
    await app.close();
    return { error: started, started: logger.lines.some((line) => line.includes('successfully started')) };
  };

  const schemaWithTables = async () => {
    const schema = uniqueName('schema_check');
    schemas.push(schema);
    for (const statement of sql(schema)) await db.query(statement);
    return schema;
  };

  beforeAll(async () => {
    db = await openDatabase();
  });

  afterAll(async () => {
    for (const schema of schemas) await dropSchema(db, schema);
    await db.end();
  });

  it('starts on tables at the current version with migrationsRun off', async () => {
    const result = await start(await schemaWithTables(), false);
    expect(result).toEqual({ error: undefined, started: true });
  });

  it('refuses to start with no tables, naming "no tables", the expected version and the three fixes', async () => {
    const schema = uniqueName('schema_check_empty');
    schemas.push(schema);
    const { error, started } = await start(schema, false);
    expect(started).toBe(false);
    expect(error).toBeInstanceOf(SchemaVersionError);
    expect(error).toMatchObject({
      code: 'COURIER_SCHEMA_VERSION',
      schema,
      found: 'no tables',
      expected: latest,
    });
    const message = (error as Error).message;
    expect(message).toContain(`in schema "${schema}" are missing (no tables)`);
    expect(message).toContain(`needs schema version ${latest}`);
    for (const text of fix(schema)) expect(message).toContain(text);
    expect(await relationCount(db, schema)).toBe(0); // the check only reads
  });

  it('refuses to start on an older version, printing the SQL command for the missing steps', async () => {
    const schema = await schemaWithTables();
    // An older database: the latest version not recorded (with a v1-only chain, version 0).
    await db.query(`DELETE FROM ${versionTable(schema)} WHERE version = $1`, [latest]);
    const { error, started } = await start(schema, false);
    expect(started).toBe(false);
    expect(error).toBeInstanceOf(SchemaVersionError);
    expect(error).toMatchObject({ found: latest - 1, expected: latest });
    expect((error as Error).message).toContain(`are at schema version ${latest - 1}`);
    expect((error as Error).message).toContain(`--from-version ${latest - 1}\``);
    for (const text of fix(schema)) expect((error as Error).message).toContain(text);
  });

  it('refuses to start on tables made before versioning (no version table)', async () => {
    const schema = await schemaWithTables();
    await db.query(`DROP TABLE ${versionTable(schema)}`);
    const { error, started } = await start(schema, false);
    expect(started).toBe(false);
    expect(error).toMatchObject({ name: 'SchemaVersionError', found: 'unversioned', expected: latest });
    expect((error as Error).message).toContain(`have no ${chain.versionTable} table`);
  });

  it('with migrationsRun on, applies what an older or unversioned schema lacks, then starts', async () => {
    const older = await schemaWithTables();
    await db.query(`DELETE FROM ${versionTable(older)} WHERE version = $1`, [latest]);
    const unversioned = await schemaWithTables();
    await db.query(`DROP TABLE ${versionTable(unversioned)}`);
    for (const schema of [older, unversioned]) {
      expect(await start(schema, true)).toEqual({ error: undefined, started: true });
      const { rows } = await db.query(`SELECT max(version) AS version FROM ${versionTable(schema)}`);
      expect(rows[0].version).toBe(latest);
    }
  });

  it.each([false, true])(
    'refuses to start on a newer version than it knows (migrationsRun %s), saying to upgrade the package',
    async (migrationsRun) => {
      const schema = await schemaWithTables();
      await db.query(`INSERT INTO ${versionTable(schema)} (version, name) VALUES ($1, 'from-the-future')`, [
        latest + 1,
      ]);
      const { error, started } = await start(schema, migrationsRun);
      expect(started).toBe(false);
      expect(error).toBeInstanceOf(SchemaVersionError);
      expect(error).toMatchObject({ found: latest + 1, expected: latest });
      expect((error as Error).message).toContain(
        `version ${latest + 1}, newer than the version ${latest} this ${chain.packageName} knows`,
      );
      expect((error as Error).message).toContain(`Upgrade ${chain.packageName}`);
    },
  );
});
