import type { LogEntry } from './log-record';
import type { LogValue } from './log-value';

// Anything that would break a `key=value` pair apart, or a record across lines, forces quotes:
// whitespace, `=`, `"`, `\`, control characters (C0, DEL, C1), the Unicode line and paragraph
// separators, and lone surrogates (with the `u` flag, a valid pair is one code point and
// does not match).
const NEEDS_QUOTES = /[\s="\\\p{Cc}\u2028\u2029]|[\ud800-\udfff]/u;
const ESCAPED = /["\\\p{Cc}\u2028\u2029]|[\ud800-\udfff]/gu;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * One logfmt record, without the newline: `time=… level=info msg="message processed" queue=jobs`.
 *
 * Quoting follows go-logfmt, the reference encoder, so its decoder and Loki's, Grafana's and
 * Heroku's parsers read our lines back: a value is bare unless it needs quotes; inside quotes
 * `"` and `\` are backslash-escaped, `\n` `\r` `\t` written as such and any other control
 * character as `\uXXXX`, so a record is always exactly one line. The empty string is `""`
 * and `null` is bare `null` (hence the string "null" is quoted). Arrays and objects are
 * written as their JSON text, quoted.
 */
export function encodeLogfmt(entries: readonly LogEntry[]): string {
  return entries.map(([key, value]) => `${key}=${logfmtValue(value)}`).join(' ');
}

export function logfmtValue(value: LogValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return quoteIfNeeded(value);
  return quoteIfNeeded(JSON.stringify(value));
}

function quoteIfNeeded(text: string): string {
  if (text !== '' && text !== 'null' && !NEEDS_QUOTES.test(text)) return text;
  return `"${text.replace(ESCAPED, escapeChar)}"`;
}

function escapeChar(char: string): string {
  return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
