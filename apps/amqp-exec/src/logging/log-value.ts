import { redactUrlsInText } from '@courier-nest/core/internal';

/** What a field holds once it is safe to write: JSON data with every string scrubbed. */
export type LogValue =
  string | number | boolean | null | readonly LogValue[] | { readonly [key: string]: LogValue };

// Deep enough for any event payload worth logging; deeper levels are summarised, not walked.
const MAX_DEPTH = 6;

/**
 * Turns anything a caller passes as a field into a {@link LogValue}: never throws (a log call
 * must not fail the work it reports), never loops on cycles, and never lets an AMQP password
 * through, however deep it sits. `undefined` means "leave the field out".
 */
export function toLogValue(value: unknown): LogValue | undefined {
  try {
    return normalize(value, 0, new Set());
  } catch (error) {
    // A throwing getter or a hostile Proxy: say so instead of losing the whole line.
    return `[unloggable: ${redactUrlsInText(describeError(error))}]`;
  }
}

function normalize(value: unknown, depth: number, ancestors: Set<object>): LogValue | undefined {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return redactUrlsInText(value);
    case 'number':
      // JSON would turn NaN and Infinity into null; their names say more.
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'symbol':
      return redactUrlsInText(value.toString());
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
  }
  if (value === null) return null;
  const object = value as object;
  if (object instanceof Error) return redactUrlsInText(describeError(object));
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (ArrayBuffer.isView(object)) return `[${object.constructor.name} ${object.byteLength} bytes]`;
  if (ancestors.has(object)) return '[circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(object) ? '[array]' : '[object]';

  ancestors.add(object);
  try {
    if (Array.isArray(object)) return object.map((item) => normalize(item, depth + 1, ancestors) ?? null);
    if (object instanceof Set)
      return [...object].map((item) => normalize(item, depth + 1, ancestors) ?? null);
    // URL, Decimal and the like say how they want to be written.
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return normalize(toJSON.call(object), depth + 1, ancestors);
    const entries: Iterable<[unknown, unknown]> =
      object instanceof Map ? object.entries() : Object.entries(object);
    // No prototype: a "__proto__" key stays a plain key instead of replacing the prototype.
    const out: Record<string, LogValue> = Object.create(null);
    for (const [key, item] of entries) {
      const normalized = normalize(item, depth + 1, ancestors);
      if (normalized !== undefined) out[String(key)] = normalized;
    }
    return out;
  } finally {
    ancestors.delete(object);
  }
}

/** `TypeError: boom`, or just the message for a plain `Error`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  }
  return String(error);
}
