import { CONFIG_ENV, CONFIG_FLAG } from './config.constants';
import { SETTING_KEYS, SETTINGS, type HelpGroup } from './config.settings';

const GROUPS: readonly HelpGroup[] = ['Connection', 'Worker', 'Processing', 'Retries', 'Logging'];
const INDENT = 30;
const WIDTH = 100;

/** `--help` text, generated from the settings table so it lists exactly what is accepted. */
export function usage(): string {
  const lines = [
    'Usage: amqp-exec --url <uri> --queue <name> --exec <command> [--arg <arg>]... [options]',
    '       amqp-exec --url <uri> --queue <name> --fastcgi <address> --script <path> [options]',
    '',
    'Consumes a RabbitMQ queue and hands each message to a command (the payload on its stdin) or to',
    'a FastCGI server. Exit status 0 (FastCGI: 2xx) acknowledges the message; a retry code retries it',
    'later, up to --max-attempts; anything else sends it to the dead-letter queue.',
    '',
    'Each setting is read from its flag, else its environment variable, else its key in the JSON',
    'config file, else its default. Durations are in milliseconds.',
  ];
  for (const group of GROUPS) {
    lines.push('', `${group}:`);
    for (const key of SETTING_KEYS) {
      const spec = SETTINGS[key];
      if (spec.group !== group) continue;
      const flag = spec.negatable
        ? `${spec.flag}, --no-${spec.flag.slice(2)}`
        : `${spec.flag} ${spec.valueName}`;
      const fallback = spec.defaultHelp === undefined ? '' : ` Default: ${spec.defaultHelp}.`;
      lines.push(
        ...entry(flag, `${spec.help}${fallback}`),
        ...entry('', `env ${spec.env.join(', ')}; file "${key}"`),
      );
    }
  }
  lines.push(
    '',
    'Other:',
    ...entry(`${CONFIG_FLAG} <file>`, 'JSON config file, e.g. {"queue": "jobs", "concurrency": 4}.'),
    ...entry('', `env ${CONFIG_ENV}`),
    ...entry('-h, --help', 'Print this help.'),
    ...entry('--version', 'Print the version.'),
    '',
    'Exit status 2: the configuration was refused; the message names the setting to change.',
  );
  return `${lines.join('\n')}\n`;
}

/** `  --flag <v>   text…`, the text wrapped at WIDTH; a flag too long for its column gets a line of its own. */
function entry(flag: string, text: string): string[] {
  const lines: string[] = [];
  const head = `  ${flag}`;
  let line = head.length < INDENT - 1 ? head.padEnd(INDENT) : (lines.push(head), ' '.repeat(INDENT));
  for (const word of text.split(' ')) {
    if (line.trim() !== '' && line.length + 1 + word.length > WIDTH && line.length > INDENT) {
      lines.push(line);
      line = ' '.repeat(INDENT);
    }
    line += line.length > INDENT ? ` ${word}` : word;
  }
  lines.push(line);
  return lines;
}
