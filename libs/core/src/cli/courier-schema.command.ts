import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { latestSchemaVersion, schemaStepsAfter } from '../schema/schema-chain';
import { CliUsageError } from './cli-usage.error';
import { parseCourierSchemaArgs } from './courier-schema.args';
import { COURIER_SCHEMA_USAGE } from './courier-schema.usage';
import { loadSchemaComponents, type LoadedComponent } from './schema-components.loader';
import { typeormMigrationFile } from './typeorm-migration.file';

export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

/** Runs `courier-schema` with its arguments; resolves to the exit code (0 done, 1 failed, 2 bad input). */
export function runCourierSchema(
  argv: readonly string[],
  io: CommandOutput,
  loader = loadSchemaComponents,
): number {
  try {
    const args = parseCourierSchemaArgs(argv);
    if (args.command === 'help') {
      io.out(COURIER_SCHEMA_USAGE);
      return 0;
    }
    const loaded = loader(args.components);
    const found = loaded.filter(
      (c): c is LoadedComponent & { chain: NonNullable<LoadedComponent['chain']> } => Boolean(c.chain),
    );
    const summary = loaded
      .map((c) =>
        c.chain
          ? `${c.component} (${c.packageName}, schema version ${latestSchemaVersion(c.chain)})`
          : `${c.component} (${c.packageName} not installed)`,
      )
      .join(', ');
    if (found.length === 0) {
      io.err(
        `courier-schema: found no component: ${summary}. Install the package (npm install ` +
          `${loaded.map((c) => c.packageName).join(' or ')}) in this project and run it from there.\n`,
      );
      return 1;
    }
    if (args.command === 'sql') {
      const lines = [`-- courier-schema: components found: ${summary}`, 'BEGIN;'];
      for (const { chain } of found) {
        const steps = schemaStepsAfter(chain, args.fromVersion);
        if (steps.length === 0)
          lines.push(`\n-- ${chain.component}: nothing after version ${args.fromVersion}`);
        for (const step of steps) {
          lines.push(
            `\n-- ${chain.component} schema version ${step.version} (${step.name}) in schema "${args.schema}"`,
          );
          lines.push(...step.up(args.schema).map((statement) => `${statement};`));
        }
      }
      lines.push('\nCOMMIT;\n');
      io.out(lines.join('\n'));
      return 0;
    }
    const folder = resolve(args.out);
    mkdirSync(folder, { recursive: true });
    io.out(`courier-schema: components found: ${summary}\n`);
    for (const { chain } of found) {
      for (const step of chain.steps) {
        const file = typeormMigrationFile(chain, args.schema, step);
        const path = join(folder, file.fileName);
        if (existsSync(path) && readFileSync(path, 'utf8') !== file.text) {
          io.err(
            `courier-schema: ${path} exists and differs from what this release writes; a written migration ` +
              `is never edited. Move it away if it is not yours, or leave it if it already ran.\n`,
          );
          return 1;
        }
        writeFileSync(path, file.text);
        io.out(`wrote ${path}\n`);
      }
    }
    return 0;
  } catch (error) {
    if (
      error instanceof CliUsageError ||
      (error as { code?: string }).code === 'COURIER_INVALID_IDENTIFIER'
    ) {
      io.err(`courier-schema: ${(error as Error).message}\nRun courier-schema --help for usage.\n`);
      return 2;
    }
    io.err(`courier-schema: ${(error as Error).message}\n`);
    return 1;
  }
}
