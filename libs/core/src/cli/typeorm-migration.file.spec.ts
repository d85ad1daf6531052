import { defineSchemaChain, schemaVersionRecordSql } from '../schema/schema-chain';
import type { SchemaChain } from '../schema/schema-chain.interface';
import { templateLiteralText, typeormMigrationFile } from './typeorm-migration.file';

describe('templateLiteralText', () => {
  it('escapes what a template literal would interpret, and reads back as the same text', () => {
    const text = "E'\\n' `tick` ${not_a_placeholder} $1";
    const escaped = templateLiteralText(text);
    expect(escaped).toBe("E'\\\\n' \\`tick\\` \\${not_a_placeholder} $1");
    expect(new Function(`return \`${escaped}\`;`)()).toBe(text);
  });
});

describe('typeormMigrationFile', () => {
  const chain: SchemaChain = defineSchemaChain({
    component: 'thing',
    packageName: '@courier-nest/thing',
    moduleName: 'ThingModule',
    migrationsFunction: 'thingMigrations',
    migrationPrefix: 'CourierThing',
    versionTable: 'thing_schema_version',
    tables: ['things'],
    lockKey: 1,
    steps: [
      {
        version: 1,
        name: 'create-tables',
        timestamp: 1763800000000,
        up: (schema) => [
          `CREATE TABLE "${schema}".things (note text DEFAULT '\`x\`')`,
          ...schemaVersionRecordSql(schema, 'thing_schema_version', { version: 1, name: 'create-tables' }),
        ],
        down: (schema) => [`DROP TABLE "${schema}".things`],
      },
    ],
  });

  it('names file and class like the migration classes, and carries the SQL of up and down', () => {
    const file = typeormMigrationFile(chain, 'orders_courier', chain.steps[0]);
    expect(file.fileName).toBe('1763800000000-CourierThingOrdersCourier1763800000000.ts');
    expect(file.text).toContain(
      'export class CourierThingOrdersCourier1763800000000 implements MigrationInterface',
    );
    expect(file.text).toContain("name = 'CourierThingOrdersCourier1763800000000';");
    expect(file.text).toContain(
      'await queryRunner.query(`CREATE TABLE "orders_courier".things (note text DEFAULT \'\\`x\\`\')`);',
    );
    expect(file.text).toContain('await queryRunner.query(`DROP TABLE "orders_courier".things`);');
    expect(file.text).toContain('thing schema version 1 (create-tables) in schema "orders_courier"');
  });
});
