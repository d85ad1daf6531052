import type { SchemaChain, SchemaStep } from '../schema/schema-chain.interface';
import { schemaMigrationName } from '../schema/schema-chain';

export interface MigrationFile {
  readonly fileName: string;
  readonly text: string;
}

/**
 * One step as a TypeORM migration source file. The class name and `name` are those of
 * `outboxMigrations(schema)` (`<prefix><Schema><timestamp>`), so a database that ran one
 * form does not run the other again.
 */
export function typeormMigrationFile(chain: SchemaChain, schema: string, step: SchemaStep): MigrationFile {
  const name = schemaMigrationName(chain, schema, step);
  const queries = (statements: string[]) =>
    statements.map((sql) => `    await queryRunner.query(\`${templateLiteralText(sql)}\`);`).join('\n');
  const text = `import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ${chain.packageName}: ${chain.component} schema version ${step.version} (${step.name}) in schema "${schema}".
 * Written by \`courier-schema typeorm\`; do not edit (a schema change is the next version).
 */
export class ${name} implements MigrationInterface {
  name = '${name}';

  async up(queryRunner: QueryRunner): Promise<void> {
${queries(step.up(schema))}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${queries(step.down(schema))}
  }
}
`;
  return { fileName: `${step.timestamp}-${name}.ts`, text };
}

/** Text that reads back as itself inside a template literal: \\, ` and ${ escaped. */
export function templateLiteralText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}
