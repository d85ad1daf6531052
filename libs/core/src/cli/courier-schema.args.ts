import { assertSqlIdentifier } from '../sql/sql-identifier';
import { CliUsageError } from './cli-usage.error';

export const COMPONENTS = ['outbox', 'inbox'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export type CourierSchemaArgs =
  | { readonly command: 'help' }
  | {
      readonly command: 'sql';
      readonly schema: string;
      readonly components: readonly ComponentName[];
      readonly fromVersion: number;
    }
  | {
      readonly command: 'typeorm';
      readonly schema: string;
      readonly components: readonly ComponentName[];
      readonly out: string;
    };

const FLAGS: Record<'sql' | 'typeorm', readonly string[]> = {
  sql: ['--schema', '--component', '--from-version'],
  typeorm: ['--schema', '--component', '--out'],
};

/** Reads `courier-schema <command> [flags]`; anything it does not know is a CliUsageError (exit 2). */
export function parseCourierSchemaArgs(argv: readonly string[]): CourierSchemaArgs {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
    return { command: 'help' };
  }
  const [command, ...rest] = argv;
  if (command !== 'sql' && command !== 'typeorm') {
    throw new CliUsageError(`Unknown command "${command}": use "sql" or "typeorm".`);
  }
  const flags = readFlags(rest, FLAGS[command], command);
  const schema = flags.get('--schema');
  if (schema === undefined)
    throw new CliUsageError(`"${command}" needs --schema <name> (the module option "schema").`);
  assertSqlIdentifier(schema, '--schema');
  const component = flags.get('--component');
  if (component !== undefined && !(COMPONENTS as readonly string[]).includes(component)) {
    throw new CliUsageError(`--component must be ${COMPONENTS.join(' or ')}; got "${component}".`);
  }
  const components = component === undefined ? COMPONENTS : [component as ComponentName];
  if (command === 'sql') {
    return { command, schema, components, fromVersion: readVersion(flags.get('--from-version')) };
  }
  const out = flags.get('--out');
  if (out === undefined || out === '') {
    throw new CliUsageError(
      '"typeorm" needs --out <folder> (where your TypeORM migrations live, e.g. src/migrations).',
    );
  }
  return { command, schema, components, out };
}

function readFlags(args: readonly string[], known: readonly string[], command: string): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const equals = arg.indexOf('=');
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    if (!known.includes(flag)) {
      throw new CliUsageError(
        arg.startsWith('-')
          ? `Unknown flag ${flag} for "${command}": it takes ${known.join(', ')}.`
          : `Unexpected argument "${arg}" for "${command}".`,
      );
    }
    const value = equals > 0 ? arg.slice(equals + 1) : args[++i];
    if (value === undefined || (equals < 0 && value.startsWith('--')))
      throw new CliUsageError(`${flag} needs a value.`);
    if (flags.has(flag)) throw new CliUsageError(`${flag} is given twice.`);
    flags.set(flag, value);
  }
  return flags;
}

function readVersion(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d{1,6}$/.test(text)) {
    throw new CliUsageError(`--from-version must be a schema version (0, 1, 2…); got "${text}".`);
  }
  return Number(text);
}
