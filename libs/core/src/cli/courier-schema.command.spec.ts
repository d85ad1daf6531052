import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSchemaChain, schemaVersionRecordSql } from '../schema/schema-chain';
import type { SchemaChain } from '../schema/schema-chain.interface';
import { runCourierSchema } from './courier-schema.command';
import type { ComponentName } from './courier-schema.args';

const outbox: SchemaChain = defineSchemaChain({
  component: 'outbox',
  packageName: '@courier-nest/outbox',
  moduleName: 'OutboxModule',
  migrationsFunction: 'outboxMigrations',
  migrationPrefix: 'CourierOutbox',
  versionTable: 'outbox_schema_version',
  tables: ['outbox_messages'],
  lockKey: 1,
  steps: [1, 2].map((version) => ({
    version,
    name: `step-${version}`,
    timestamp: 1763800000000 + version,
    up: (schema: string) => [
      `SELECT ${version} FROM "${schema}".t`,
      ...schemaVersionRecordSql(schema, 'outbox_schema_version', { version, name: `step-${version}` }),
    ],
    down: () => [],
  })),
});

/** Only the outbox is "installed". */
const loader = (components: readonly ComponentName[]) =>
  components.map((component) =>
    component === 'outbox'
      ? { component, packageName: '@courier-nest/outbox', chain: outbox }
      : { component, packageName: `@courier-nest/${component}` },
  );

const run = (argv: string[], load = loader) => {
  let out = '';
  let err = '';
  const code = runCourierSchema(argv, { out: (t) => (out += t), err: (t) => (err += t) }, load);
  return { code, out, err };
};

describe('courier-schema', () => {
  it('sql prints the steps after --from-version in one transaction, naming the components found', () => {
    const { code, out } = run(['sql', '--schema', 'orders', '--from-version', '1']);
    expect(code).toBe(0);
    expect(out).toMatch(
      /^-- courier-schema: components found: outbox \(@courier-nest\/outbox, schema version 2\), inbox \(@courier-nest\/inbox not installed\)\nBEGIN;/,
    );
    expect(out).not.toContain('SELECT 1 FROM');
    expect(out).toContain(
      '-- outbox schema version 2 (step-2) in schema "orders"\nSELECT 2 FROM "orders".t;',
    );
    expect(out).toContain(`VALUES (2, 'step-2') ON CONFLICT (version) DO NOTHING;`);
    expect(out.trimEnd().endsWith('COMMIT;')).toBe(true);
  });

  it('sql past the latest version says there is nothing to apply', () => {
    expect(run(['sql', '--schema', 'orders', '--from-version', '2']).out).toContain(
      '-- outbox: nothing after version 2',
    );
  });

  it('fails (exit 1) when no requested component is installed, saying what to install', () => {
    const { code, err } = run(['sql', '--schema', 'orders', '--component', 'inbox']);
    expect(code).toBe(1);
    expect(err).toContain('found no component: inbox (@courier-nest/inbox not installed)');
    expect(err).toContain('npm install @courier-nest/inbox');
  });

  it('fails (exit 1) when a component cannot be loaded, with the reason', () => {
    const broken = () => {
      throw new Error('@courier-nest/outbox (/x) has no outboxSchemaChain: upgrade it');
    };
    expect(run(['sql', '--schema', 'orders'], broken)).toMatchObject({
      code: 1,
      err: expect.stringContaining('no outboxSchemaChain'),
    });
  });

  it('exits 2 with the reason and a pointer to --help on bad input', () => {
    const { code, err, out } = run(['sql', '--schema', 'Orders']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/Option "--schema" must be a SQL identifier[\s\S]*Run courier-schema --help/);
  });

  describe('typeorm', () => {
    let folder: string;
    beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'courier-schema-'))));
    afterEach(() => rmSync(folder, { recursive: true, force: true }));

    it('writes one file per step, again unchanged, and refuses to overwrite a differing file', () => {
      const first = run(['typeorm', '--schema', 'orders', '--out', join(folder, 'migrations')]);
      expect(first.code).toBe(0);
      const written = join(folder, 'migrations', '1763800000002-CourierOutboxOrders1763800000002.ts');
      expect(first.out).toContain(`wrote ${written}`);
      expect(readFileSync(written, 'utf8')).toContain('SELECT 2 FROM "orders".t');
      expect(run(['typeorm', '--schema', 'orders', '--out', join(folder, 'migrations')]).code).toBe(0);

      writeFileSync(written, '// edited');
      const again = run(['typeorm', '--schema', 'orders', '--out', join(folder, 'migrations')]);
      expect(again.code).toBe(1);
      expect(again.err).toContain(`${written} exists and differs`);
      expect(readFileSync(written, 'utf8')).toBe('// edited');
    });
  });
});
