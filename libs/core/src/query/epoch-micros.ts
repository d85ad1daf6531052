/**
 * SQL for carrying a timestamptz through JavaScript exactly: as the text of its
 * microseconds since 1970. A Date keeps milliseconds only, so a keyset cursor or a
 * cut-off time read back as a Date would skip or repeat rows written in the same
 * millisecond.
 */

/** The exact microseconds since 1970 of a timestamptz expression, as text. */
export function epochMicrosSql(expression: string): string {
  return `(extract(epoch FROM ${expression}) * 1000000)::bigint::text`;
}

/**
 * The timestamptz of a parameter holding such microseconds (text or bigint). Exact for
 * any time before the year 2255 (2^53 microseconds).
 */
export function timestamptzOfMicrosSql(placeholder: string): string {
  return `(timestamptz 'epoch' + ${placeholder}::bigint * interval '1 microsecond')`;
}

/** The largest microseconds `timestamptzOfMicrosSql` converts exactly. */
export const MAX_EXACT_EPOCH_MICROS = BigInt(Number.MAX_SAFE_INTEGER);
