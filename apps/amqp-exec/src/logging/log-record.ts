import { toFieldKey } from './field-key';
import { redactUrlsInText } from '@courier-nest/core/internal';
import type { LogLabel } from './logging.constants';
import { toLogValue, type LogValue } from './log-value';

/** Extra data for one line, e.g. `{ messageId, queue, exitCode }`. Keys are written snake_case. */
export type LogFields = Readonly<Record<string, unknown>>;

/** One `key=value` pair of a line, in the order it is written. */
export type LogEntry = readonly [key: string, value: LogValue];

/** A line before it is encoded. */
export interface LogRecord {
  readonly time: Date;
  readonly level: LogLabel;
  readonly msg: string;
  /** Nest's context argument (usually the class that logged). */
  readonly context?: string;
  readonly fields: LogFields;
  /** Written last: it is the longest value and the least often read. */
  readonly stack?: string;
}

/**
 * The entries of a line: `time`, `level`, `msg`, then `context`, the fields in the order
 * given, and `stack`. A field whose key equals an earlier one (a field called `level`, or
 * `messageId` next to `message_id`) is written as `field_<key>`, so nothing a caller passes can
 * forge or hide the standard keys, and nothing is silently dropped.
 */
export function toEntries(record: LogRecord): LogEntry[] {
  const entries: LogEntry[] = [];
  const used = new Set<string>();
  const add = (key: string, value: unknown): void => {
    const normalized = toLogValue(value);
    if (normalized === undefined) return;
    let unique = key;
    while (used.has(unique)) unique = `field_${unique}`;
    used.add(unique);
    entries.push([unique, normalized]);
  };

  add('time', record.time.toISOString());
  add('level', record.level);
  add('msg', record.msg);
  add('context', record.context);
  // Reserved now, written last: a caller's `stack` field must not take the name.
  if (record.stack !== undefined) used.add('stack');
  for (const [key, value] of Object.entries(record.fields)) add(toFieldKey(key), value);
  if (record.stack !== undefined) entries.push(['stack', redactUrlsInText(record.stack)]);
  return entries;
}

/**
 * One fields object from several: the logger's bound fields first (so they line up in the same
 * columns on every line), then the call's; for the same key, the later value wins.
 */
export function mergeFields(...sources: ReadonlyArray<LogFields | undefined>): LogFields {
  // No prototype: a "__proto__" key is copied as data, not as a new prototype.
  const merged: Record<string, unknown> = Object.create(null);
  for (const source of sources) if (source) Object.assign(merged, source);
  return merged;
}
