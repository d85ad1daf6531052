import { COMPONENTS, type CliCommand, type Component, type HelpTopic } from './cli-command';
import { readArgs, type OptionName } from './cli.options';
import { listQuery, selection } from './cli.selection';
import { CliUsageError } from './errors';
import { resolveConnection } from './http/console-connection';
import { messageId } from './cli.values';

const COMMON: readonly OptionName[] = ['url', 'token', 'user', 'password', 'json', 'help'];

/** The options each command takes besides COMMON: anything else is a usage error, not ignored. */
const COMMAND_OPTIONS: Record<string, readonly OptionName[]> = {
  overview: [],
  journey: [],
  'dead list outbox': [
    'destination',
    'type',
    'error',
    'from',
    'to',
    'limit',
    'cursor',
    'all-pages',
    'payload',
  ],
  'dead list inbox': [
    'event-type',
    'handler-key',
    'error',
    'from',
    'to',
    'limit',
    'cursor',
    'all-pages',
    'payload',
  ],
  'dead list consumer': ['queue', 'error', 'limit', 'offset', 'all-pages', 'payload'],
  'replay outbox': ['all', 'destination', 'type', 'error', 'from', 'to'],
  'replay inbox': ['all', 'event-type', 'handler-key', 'error', 'from', 'to'],
  'replay consumer': ['queue', 'all'],
};
for (const component of COMPONENTS) {
  COMMAND_OPTIONS[`purge ${component}`] = [...COMMAND_OPTIONS[`replay ${component}`], 'yes'];
}

/**
 * Reads `courier-console <command> … [options]` into a CliCommand, the connection resolved
 * from the options and `env`. Throws CliUsageError (exit 2) for anything it cannot use.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliCommand {
  const { words, values, given } = readArgs(argv);
  const [first, ...rest] = words;
  if (first === undefined) return { kind: 'help', topic: 'all' };
  if (first === 'help') return { kind: 'help', topic: helpTopic(rest[0] ?? 'all') };
  if (values.help) return { kind: 'help', topic: helpTopic(first) };

  if (first === 'overview' || first === 'journey') {
    checkOptions(first, given);
    const connection = resolveConnection(values, env);
    if (first === 'overview') {
      if (rest.length > 0) throw new CliUsageError(`"overview" takes no arguments; got "${rest[0]}".`);
      return { kind: 'overview', connection, json: Boolean(values.json) };
    }
    if (rest.length !== 1)
      throw new CliUsageError('"journey" takes one message id: courier-console journey <id>.');
    return { kind: 'journey', id: messageId(rest[0]), connection, json: Boolean(values.json) };
  }
  if (first === 'dead') {
    if (rest[0] !== 'list')
      throw new CliUsageError(`Unknown command "dead ${rest[0] ?? ''}": use "dead list".`);
    const component = componentOf('dead list', rest[1]);
    if (rest.length > 2) throw new CliUsageError(`"dead list ${component}" takes no ids; got "${rest[2]}".`);
    checkOptions(`dead list ${component}`, given);
    return {
      kind: 'dead list',
      component,
      connection: resolveConnection(values, env),
      query: listQuery(component, values),
      allPages: Boolean(values['all-pages']),
      json: Boolean(values.json),
      payload: Boolean(values.payload),
    };
  }
  if (first === 'replay' || first === 'purge') {
    const component = componentOf(first, rest[0]);
    checkOptions(`${first} ${component}`, given);
    const { body, named } = selection(first, component, rest.slice(1), values);
    if (first === 'purge' && !values.yes) {
      throw new CliUsageError(
        'purge deletes dead entries for good: they cannot be replayed afterwards. Add --yes to confirm.',
      );
    }
    const confirmed = first === 'purge' ? { ...body, confirm: 'purge' } : body;
    return {
      kind: first,
      component,
      connection: resolveConnection(values, env),
      body: confirmed,
      named,
      json: Boolean(values.json),
    };
  }
  throw new CliUsageError(`Unknown command "${first}": use overview, dead list, replay, purge or journey.`);
}

function componentOf(command: string, word: string | undefined): Component {
  if (!(COMPONENTS as readonly (string | undefined)[]).includes(word)) {
    throw new CliUsageError(
      `"${command}" needs outbox, inbox or consumer${word === undefined ? '' : `; got "${word}"`}.`,
    );
  }
  return word as Component;
}

function checkOptions(command: string, given: readonly OptionName[]): void {
  const allowed = [...COMMON, ...COMMAND_OPTIONS[command]];
  const stray = given.find((name) => !allowed.includes(name));
  if (stray !== undefined) {
    const own = COMMAND_OPTIONS[command];
    throw new CliUsageError(
      `"${command}" does not take --${stray}` +
        (own.length > 0 ? `; its options: ${own.map((name) => `--${name}`).join(', ')}.` : '.'),
    );
  }
}

function helpTopic(word: string): HelpTopic {
  const topics: readonly string[] = ['overview', 'replay', 'purge', 'journey'];
  if (word === 'dead') return 'dead list';
  return topics.includes(word) ? (word as HelpTopic) : 'all';
}
