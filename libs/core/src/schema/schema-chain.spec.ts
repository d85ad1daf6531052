import type { SchemaChain, SchemaStep } from './schema-chain.interface';
import {
  defineSchemaChain,
  latestSchemaVersion,
  schemaMigrationName,
  schemaStepsAfter,
  schemaVersionRecordSql,
} from './schema-chain';
import { SchemaVersionError } from '../errors/schema-version.error';

const step = (version: number, timestamp: number, overrides: Partial<SchemaStep> = {}): SchemaStep => ({
  version,
  name: `step-${version}`,
  timestamp,
  up: (schema) => [
    `CREATE TABLE IF NOT EXISTS "${schema}".t${version} ()`,
    ...schemaVersionRecordSql(schema, 'thing_schema_version', { version, name: `step-${version}` }),
  ],
  down: () => [],
  ...overrides,
});

const chain = (steps: SchemaStep[]): SchemaChain => ({
  component: 'thing',
  packageName: '@courier-nest/thing',
  moduleName: 'ThingModule',
  migrationsFunction: 'thingMigrations',
  migrationPrefix: 'CourierThing',
  versionTable: 'thing_schema_version',
  tables: ['things'],
  lockKey: 1,
  steps,
});

describe('defineSchemaChain', () => {
  it('accepts versions 1..n with rising timestamps, each ending with its version record', () => {
    const defined = defineSchemaChain(chain([step(1, 1763800000000), step(2, 1763900000000)]));
    expect(latestSchemaVersion(defined)).toBe(2);
    expect(schemaStepsAfter(defined, 0).map((s) => s.version)).toEqual([1, 2]);
    expect(schemaStepsAfter(defined, 1).map((s) => s.version)).toEqual([2]);
    expect(schemaStepsAfter(defined, 2)).toEqual([]);
  });

  it.each([
    ['no steps', [], /has no steps/],
    ['a gap in versions', [step(1, 1763800000000), step(3, 1763900000000)], /has version 3, not 2/],
    ['a timestamp not after the one before', [step(1, 1763900000000), step(2, 1763800000000)], /larger than/],
    ['a short timestamp', [step(1, 176380000)], /13 digits/],
    ['a name that is not kebab-case', [step(1, 1763800000000, { name: "x'; drop" })], /kebab-case/],
    [
      'a step without its version record',
      [step(1, 1763800000000, { up: () => ['SELECT 1'] })],
      /version record/,
    ],
  ])('refuses %s', (_case, steps, message) => {
    expect(() => defineSchemaChain(chain(steps as SchemaStep[]))).toThrow(message);
  });
});

describe('schemaMigrationName', () => {
  it('keeps the pre-versioning TypeORM name: prefix, schema in PascalCase, timestamp', () => {
    const defined = defineSchemaChain(chain([step(1, 1763800000000)]));
    expect(schemaMigrationName(defined, 'orders_courier', defined.steps[0])).toBe(
      'CourierThingOrdersCourier1763800000000',
    );
    expect(() => schemaMigrationName(defined, 'Bad-Schema', defined.steps[0])).toThrow(/SQL identifier/);
  });
});

describe('schemaVersionRecordSql', () => {
  it('creates the version table if needed and inserts the version once', () => {
    const [create, insert] = schemaVersionRecordSql('orders', 'thing_schema_version', {
      version: 2,
      name: 'add-x',
    });
    expect(create).toMatch(/^CREATE TABLE IF NOT EXISTS "orders"\."thing_schema_version"/);
    expect(insert).toBe(
      `INSERT INTO "orders"."thing_schema_version" (version, name) VALUES (2, 'add-x') ON CONFLICT (version) DO NOTHING`,
    );
    expect(() => schemaVersionRecordSql('x"; drop', 't', { version: 1, name: 'a' })).toThrow(
      /SQL identifier/,
    );
  });
});

describe('SchemaVersionError', () => {
  const defined = defineSchemaChain(chain([step(1, 1763800000000), step(2, 1763900000000)]));

  it('for missing tables names the schema, "no tables", the expected version and the three fixes', () => {
    const error = new SchemaVersionError(defined, 'orders_courier', { kind: 'missing' });
    expect(error).toMatchObject({ code: 'COURIER_SCHEMA_VERSION', found: 'no tables', expected: 2 });
    expect(error.message).toMatch(/thing tables in schema "orders_courier" are missing \(no tables\)/);
    expect(error.message).toMatch(/needs schema version 2/);
    expect(error.message).toContain("thingMigrations('orders_courier')");
    expect(error.message).toContain('ThingModule option migrationsRun: true');
    expect(error.message).toContain('`npx courier-schema sql --schema orders_courier --component thing`');
  });

  it('for an older version prints the SQL command for the missing steps only', () => {
    const error = new SchemaVersionError(defined, 'orders', { kind: 'versioned', version: 1 });
    expect(error.found).toBe(1);
    expect(error.message).toMatch(/are at schema version 1; .* needs schema version 2/);
    expect(error.message).toContain('--from-version 1`');
  });

  it('for tables made before versioning says so', () => {
    const error = new SchemaVersionError(defined, 'orders', { kind: 'unversioned' });
    expect(error.found).toBe('unversioned');
    expect(error.message).toMatch(
      /have no thing_schema_version table \(made before the schema was versioned\)/,
    );
  });

  it('for a newer version says to upgrade the package', () => {
    const error = new SchemaVersionError(defined, 'orders', { kind: 'versioned', version: 7 });
    expect(error.found).toBe(7);
    expect(error.message).toMatch(/version 7, newer than the version 2 this @courier-nest\/thing knows/);
    expect(error.message).toMatch(/Upgrade @courier-nest\/thing/);
  });
});
