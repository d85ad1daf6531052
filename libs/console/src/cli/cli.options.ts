import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliUsageError } from './errors';

/** Every option of every command; which command takes which is COMMAND_OPTIONS. */
export const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  destination: { type: 'string' },
  type: { type: 'string' },
  'event-type': { type: 'string' },
  'handler-key': { type: 'string' },
  queue: { type: 'string' },
  error: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  offset: { type: 'string' },
  'all-pages': { type: 'boolean' },
  payload: { type: 'boolean' },
  all: { type: 'boolean' },
  yes: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export type OptionName = keyof typeof OPTIONS;
export type OptionValues = {
  [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean;
};

export interface ReadArgs {
  readonly words: readonly string[];
  readonly values: OptionValues;
  /** The options given, in the order given (each once). */
  readonly given: readonly OptionName[];
}

/**
 * Splits the command line into command words (and ids) and options, with node:util's
 * parseArgs in strict mode. Its errors become usage errors in our words; an option given
 * twice is one too (the last one silently winning hides a typo).
 */
export function readArgs(argv: readonly string[]): ReadArgs {
  let parsed: ReturnType<typeof parseWithTokens>;
  try {
    parsed = parseWithTokens(argv);
  } catch (error) {
    throw new CliUsageError(usageMessageOf(error));
  }
  const given: OptionName[] = [];
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const name = token.name as OptionName;
    if (given.includes(name)) throw new CliUsageError(`--${name} is given twice.`);
    given.push(name);
  }
  return { words: parsed.positionals, values: parsed.values as OptionValues, given };
}

function parseWithTokens(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
}

function usageMessageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `Unknown option ${option}.`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /argument missing|ambiguous/.test(message)
      ? `${option} needs a value (to pass one that starts with "-", write ${option}=<value>).`
      : `${option} takes no value.`;
  }
  return message;
}
