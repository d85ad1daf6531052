import { redactUrlsInText } from '@courier-nest/core/internal';

/** Where a setting's value came from, so an error can say what to change. */
export type ConfigSource =
  | { readonly layer: 'flag'; readonly flag: string }
  | { readonly layer: 'env'; readonly variable: string }
  | { readonly layer: 'file'; readonly key: string; readonly file: string }
  | { readonly layer: 'default' };

export type ConfigLayer = ConfigSource['layer'];

/** Highest precedence first: a flag beats the environment, which beats the file, which beats the default. */
export const LAYER_PRECEDENCE: readonly ConfigLayer[] = ['flag', 'env', 'file', 'default'];

// A pasted certificate or a runaway value would otherwise flood the one-line message.
const MAX_SHOWN = 80;

/**
 * The setting and its value as the user wrote it, e.g. `--prefetch "2"`,
 * `AMQP_EXEC_TIMEOUT="-5" (environment)`, `"concurrency": 0 (config file ./amqp-exec.json)`.
 * Values are JSON-quoted, so a newline in one cannot break the message's single line.
 */
export function describeValueAt(source: ConfigSource, shown: unknown, settingName: string): string {
  switch (source.layer) {
    case 'flag':
      return `${source.flag} ${quote(shown)}`;
    case 'env':
      return `${source.variable}=${quote(shown)} (environment)`;
    case 'file':
      return `${JSON.stringify(source.key)}: ${quote(shown)} (config file ${source.file})`;
    case 'default':
      return `${settingName} ${quote(shown)} (default)`;
  }
}

/** Just where, e.g. `--concurrency`, `AMQP_EXEC_CONCURRENCY`, `"concurrency" in config file ./c.json`. */
export function describeSource(source: ConfigSource, settingName: string): string {
  switch (source.layer) {
    case 'flag':
      return source.flag;
    case 'env':
      return source.variable;
    case 'file':
      return `${JSON.stringify(source.key)} in config file ${source.file}`;
    case 'default':
      return `the default ${settingName}`;
  }
}

function quote(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  // Scrub before cutting: a cut through a password would hide the `@` the scrubber looks for.
  text = redactUrlsInText(text);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}
