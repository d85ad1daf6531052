import type { LogEntry } from './log-record';

/**
 * One JSON object, without the newline: `{"time":"…","level":"info","msg":"…","queue":"jobs"}`.
 * Built from the ordered entries rather than through an object, so keys keep the order
 * logfmt has (time, level, msg first) and a `__proto__` field stays an ordinary key.
 * JSON.stringify escapes newlines and lone surrogates, so a record is always one line.
 */
export function encodeJsonLine(entries: readonly LogEntry[]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
}
