import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Client } from 'pg';
import { runCourierSchema } from '@courier-nest/core/cli/courier-schema.command';
import { InboxModule, inboxMigrations } from '@courier-nest/inbox';
import { OutboxModule, outboxMigrations } from '@courier-nest/outbox';
import { dropSchema, openDatabase } from '../harness/database';
import { DATABASE_URL, uniqueName } from '../harness/env';
import { schemaSnapshot } from '../harness/schema-snapshot';
import { openDataSource } from './schema-fixtures';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'libs/core/src/cli/courier-schema.ts');

/** The command in-process: Jest resolves the installed components to their sources. */
function courierSchema(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCourierSchema(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** The command as a process, as `npx courier-schema` runs it. */
function courierSchemaProcess(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', '@swc-node/register', CLI, ...argv], { cwd: ROOT }, (error, out, err) =>
      resolve({ code: error ? Number(error.code) : 0, out, err }),
    );
  });
}

describe('courier-schema command', () => {
  let db: Client;
  const schemas: string[] = [];
  const newSchema = (label: string) => {
    const schema = uniqueName(`cli_${label}`);
    schemas.push(schema);
    return schema;
  };
  let viaModules: Record<string, unknown[]>;

  beforeAll(async () => {
    db = await openDatabase();
    // The reference: what the modules' migrationsRun makes, outbox and inbox in one schema.
    const schema = newSchema('modules');
    const app = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: DATABASE_URL }),
        OutboxModule.forRoot({ schema, migrationsRun: true, relay: { enabled: false } }),
        InboxModule.forRoot({ schema, migrationsRun: true, dispatcher: { enabled: false } }),
      ],
    }).compile();
    await app.init();
    await app.close();
    viaModules = await schemaSnapshot(db, schema);
    expect(viaModules.versions.length).toBeGreaterThanOrEqual(2);
  });

  afterAll(async () => {
    for (const schema of schemas) await dropSchema(db, schema);
    await db.end();
  });

  it('sql: the printed DDL, applied to an empty schema, makes what migrationsRun makes', async () => {
    const schema = newSchema('sql');
    const { code, out } = courierSchema(['sql', '--schema', schema]);
    expect(code).toBe(0);
    expect(out).toMatch(
      /^-- courier-schema: components found: outbox \(@courier-nest\/outbox, schema version \d+\), inbox \(@courier-nest\/inbox, schema version \d+\)/,
    );
    // Every version of each component, the dead-page indexes of version 2 included.
    for (const component of ['outbox', 'inbox']) {
      expect(out).toContain(`-- ${component} schema version 1 (create-tables) in schema "${schema}"`);
      expect(out).toContain(`-- ${component} schema version 2 (dead-page-indexes) in schema "${schema}"`);
    }
    expect(out).toContain(`-- outbox schema version 3 (scheduled-messages) in schema "${schema}"`);
    expect(out).toContain('CREATE INDEX IF NOT EXISTS outbox_messages_dead_seq');
    expect(out).toContain('CREATE INDEX IF NOT EXISTS inbox_handler_states_dead_page');
    await db.query(out); // as psql would: one text, one transaction
    expect(await schemaSnapshot(db, schema)).toEqual(viaModules);
  });

  it('sql --component prints that component only, and --from-version its later steps only', async () => {
    const schema = newSchema('sql_outbox');
    const outbox = courierSchema(['sql', '--schema', schema, '--component', 'outbox']);
    expect(outbox.out).toMatch(/components found: outbox \(@courier-nest\/outbox, schema version \d+\)\n/);
    expect(outbox.out).not.toContain('inbox');
    await db.query(outbox.out);
    const tables = (
      await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [
        schema,
      ])
    ).rows.map((row) => row.table_name);
    expect(tables).toEqual(['outbox_messages', 'outbox_scheduled_messages', 'outbox_schema_version']);

    const { rows } = await db.query(`SELECT max(version) AS version FROM "${schema}".outbox_schema_version`);
    const later = courierSchema([
      'sql',
      '--schema',
      schema,
      '--component',
      'outbox',
      '--from-version',
      String(rows[0].version),
    ]);
    expect(later.out).toContain(`-- outbox: nothing after version ${rows[0].version}`);
    expect(later.out).not.toContain('CREATE');
  });

  it('typeorm: the written files run under TypeORM, make what migrationsRun makes, with the chain names', async () => {
    const schema = newSchema('typeorm');
    const folder = mkdtempSync(join(tmpdir(), 'courier-schema-'));
    const migrationsTableName = `${schema}_migrations`;
    try {
      const { code, out } = courierSchema(['typeorm', '--schema', schema, '--out', folder]);
      expect(code).toBe(0);
      const files = readdirSync(folder).sort();
      expect(out).toContain('components found: outbox');
      for (const file of files) expect(out).toContain(`wrote ${join(folder, file)}`);

      // Load the written .ts as a user's TypeORM CLI would (Jest compiles them like ts-node).
      const classes: Array<new () => { name: string }> = [];
      for (const file of files) {
        classes.push(Object.values(await import(join(folder, file)))[0] as new () => { name: string });
      }
      const expectedNames = [...outboxMigrations(schema), ...inboxMigrations(schema)].map(
        (m) => new m().name,
      );
      expect(classes.map((c) => new c().name).sort()).toEqual(expectedNames.sort());

      const dataSource = await openDataSource({ migrations: classes, migrationsTableName });
      try {
        expect((await dataSource.runMigrations()).map((m) => m.name).sort()).toEqual(expectedNames.sort());
      } finally {
        await dataSource.destroy();
      }
      expect(await schemaSnapshot(db, schema)).toEqual(viaModules);
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await db.query(`DROP TABLE IF EXISTS public."${migrationsTableName}"`);
    }
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, out } = await courierSchemaProcess(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('courier-schema sql --schema <name>');
    expect(out).toContain('courier-schema typeorm --schema <name> --out <folder>');
  });

  it.each([
    [['migrate'], /Unknown command "migrate": use "sql" or "typeorm"/],
    [['sql', '--schema', 'x', '--force'], /Unknown flag --force for "sql"/],
    [['sql', '--schema', 'Orders-DB'], /Option "--schema" must be a SQL identifier/],
    [['sql'], /"sql" needs --schema <name>/],
    [['sql', '--schema', 'x', '--from-version', 'latest'], /--from-version must be a schema version/],
    [['typeorm', '--schema', 'x'], /"typeorm" needs --out <folder>/],
    [
      ['typeorm', '--schema', 'x', '--out', 'm', '--component', 'relay'],
      /--component must be outbox or inbox/,
    ],
  ])('exits 2 on %j, saying what was wrong', async (argv, message) => {
    const { code, out, err } = await courierSchemaProcess(argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err).toContain('Run courier-schema --help for usage.');
  });
});
