import { InvalidCursorError } from '../errors/invalid-cursor.error';

/** Longer than any cursor a list returns (a few keyset values), short enough to refuse junk cheaply. */
const MAX_CURSOR_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A keyset page cursor: the base64url text of a JSON array, `kind` first (which list it
 * belongs to), then the sort key of the last row of the page, as strings. Opaque to
 * callers; only the list that made it decodes it.
 */
export function encodeKeysetCursor(kind: string, values: readonly string[]): string {
  return Buffer.from(JSON.stringify([kind, ...values]), 'utf8').toString('base64url');
}

/**
 * The keyset values of a cursor `encodeKeysetCursor(kind, …)` made, checked strictly:
 * canonical base64url, UTF-8, a JSON array of exactly `arity` strings after `kind`, none
 * holding a NUL (which PostgreSQL text cannot). Anything else throws `InvalidCursorError`
 * naming `list`, so a bad cursor never reaches the database. Each list still checks the
 * values themselves (a number where it expects one) before using them.
 *
 * @throws InvalidCursorError
 */
export function decodeKeysetCursor(cursor: unknown, kind: string, arity: number, list: string): string[] {
  const fail = (reason: string): never => {
    throw new InvalidCursorError(list, reason);
  };
  if (typeof cursor !== 'string') return fail(`a ${typeof cursor}, not a string`);
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) return fail('wrong length');
  if (!BASE64URL.test(cursor)) return fail('not base64url');
  const bytes = Buffer.from(cursor, 'base64url');
  // Node decodes leniently (trailing bits, truncated groups): accept only what encode gives.
  if (bytes.toString('base64url') !== cursor) return fail('not base64url');
  let values: unknown;
  try {
    values = JSON.parse(utf8.decode(bytes));
  } catch {
    return fail('not a cursor');
  }
  if (
    !Array.isArray(values) ||
    values.length !== arity + 1 ||
    !values.every((value): value is string => typeof value === 'string')
  ) {
    return fail('not a cursor');
  }
  if (values[0] !== kind) return fail('from another list');
  if (values.some((value) => value.includes('\u0000'))) return fail('not a cursor');
  return values.slice(1);
}

/**
 * Whether `value` is the decimal text of an integer from `min` to `max` (no sign for
 * positive numbers, no leading zeros): what a bigint column's text looks like.
 */
export function isDecimalInteger(value: string, min: bigint, max: bigint): boolean {
  if (!/^(0|-?[1-9][0-9]{0,18})$/.test(value)) return false;
  const n = BigInt(value);
  return n >= min && n <= max;
}
