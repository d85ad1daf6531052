import {
  containsPattern,
  decodeKeysetCursor,
  encodeKeysetCursor,
  FilterChecks,
  isDecimalInteger,
  type SqlParameters,
} from '@courier-nest/core/internal';
import { InvalidCursorError } from '@courier-nest/core';
import type { DeadOutboxFilter, DeadOutboxQuery } from './interfaces/outbox-dead.interface';

/** The list's name in cursor errors. */
const LIST = 'dead outbox messages';
const CURSOR_KIND = 'outbox-dead';
const FILTER_KEYS = ['destination', 'type', 'errorContains', 'deadFrom', 'deadTo'] as const;
const MAX_SEQ = 9223372036854775807n;
export const MAX_DEAD_PAGE = 1000;
export const DEFAULT_DEAD_PAGE = 100;

/** A filter whose values were checked: each present one is usable as it is. */
export type CheckedDeadOutboxFilter = Readonly<DeadOutboxFilter>;

export interface CheckedDeadOutboxQuery {
  filter: CheckedDeadOutboxFilter;
  limit: number;
  /** The page starts after this seq ('0': the first page). */
  afterSeq: string;
}

export function checkDeadOutboxFilter(value: unknown, what = 'DeadOutboxFilter'): CheckedDeadOutboxFilter {
  return pickFilter(FilterChecks.keys(what, value, FILTER_KEYS), what);
}

/** @throws InvalidCursorError for a cursor this list did not return, InvalidFilterError for the rest */
export function checkDeadOutboxQuery(value: unknown): CheckedDeadOutboxQuery {
  const what = 'DeadOutboxQuery';
  const query: DeadOutboxQuery = FilterChecks.keys(what, value, [...FILTER_KEYS, 'limit', 'cursor']);
  return {
    filter: pickFilter(query as Record<string, unknown>, what),
    limit: FilterChecks.limit(what, query.limit, DEFAULT_DEAD_PAGE, MAX_DEAD_PAGE),
    afterSeq:
      query.cursor === undefined || query.cursor === null ? '0' : decodeDeadOutboxCursor(query.cursor),
  };
}

/** The cursor of a page ending at `seq`. */
export function deadOutboxCursor(seq: string): string {
  return encodeKeysetCursor(CURSOR_KIND, [seq]);
}

/** The seq a cursor points after, checked to be a positive bigint. */
export function decodeDeadOutboxCursor(cursor: unknown): string {
  const [seq] = decodeKeysetCursor(cursor, CURSOR_KIND, 1, LIST);
  if (!isDecimalInteger(seq, 1n, MAX_SEQ)) throw new InvalidCursorError(LIST, 'not a position in this list');
  return seq;
}

/**
 * The SQL conditions of a filter on `outbox_messages`, values bound through `params`,
 * and its shape: which conditions are there. Statements are prepared per shape, so the
 * same shape must always give the same text.
 */
export function deadOutboxConditions(
  filter: CheckedDeadOutboxFilter,
  params: SqlParameters,
): { conditions: string[]; shape: string } {
  const conditions: string[] = [];
  let shape = '';
  const add = (letter: string, condition: string) => {
    conditions.push(condition);
    shape += letter;
  };
  if (filter.destination !== undefined) add('d', `destination = ${params.add(filter.destination)}`);
  if (filter.type !== undefined) add('t', `type = ${params.add(filter.type)}`);
  if (filter.errorContains !== undefined)
    add('e', `last_error ILIKE ${params.add(containsPattern(filter.errorContains))}`);
  if (filter.deadFrom !== undefined) add('f', `dead_at >= ${params.add(filter.deadFrom, 'timestamptz')}`);
  if (filter.deadTo !== undefined) add('u', `dead_at < ${params.add(filter.deadTo, 'timestamptz')}`);
  return { conditions, shape: shape || 'all' };
}

function pickFilter(raw: Record<string, unknown>, what: string): CheckedDeadOutboxFilter {
  const filter: DeadOutboxFilter = {};
  const destination = FilterChecks.text(what, 'destination', raw.destination);
  const type = FilterChecks.text(what, 'type', raw.type);
  const errorContains = FilterChecks.text(what, 'errorContains', raw.errorContains);
  const deadFrom = FilterChecks.date(what, 'deadFrom', raw.deadFrom);
  const deadTo = FilterChecks.date(what, 'deadTo', raw.deadTo);
  if (destination !== undefined) filter.destination = destination;
  if (type !== undefined) filter.type = type;
  if (errorContains !== undefined) filter.errorContains = errorContains;
  if (deadFrom !== undefined) filter.deadFrom = deadFrom;
  if (deadTo !== undefined) filter.deadTo = deadTo;
  return filter;
}
