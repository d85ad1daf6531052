import {
  containsPattern,
  decodeKeysetCursor,
  encodeKeysetCursor,
  FilterChecks,
  isDecimalInteger,
  MAX_EXACT_EPOCH_MICROS,
  timestamptzOfMicrosSql,
  type SqlParameters,
} from '@courier-nest/core/internal';
import { InvalidCursorError, InvalidFilterError } from '@courier-nest/core';
import type { DeadInboxFilter, DeadInboxQuery, InboxHandlerRun } from './interfaces/inbox-dead.interface';

/** The list's name in cursor errors. */
const LIST = 'dead inbox handler runs';
const CURSOR_KIND = 'inbox-dead';
const FILTER_KEYS = ['eventType', 'handlerKey', 'errorContains', 'deadFrom', 'deadTo'] as const;
/** Longer than any id or key the inbox stores (255 and 100 characters). */
const MAX_KEY_TEXT = 1000;
export const MAX_DEAD_PAGE = 1000;
export const DEFAULT_DEAD_PAGE = 100;

/** A filter whose values were checked: each present one is usable as it is. */
export type CheckedDeadInboxFilter = Readonly<DeadInboxFilter>;

/** A position in the dead list: the sort key of a run, its death time in microseconds since 1970. */
export interface DeadInboxKey {
  deadMicros: string;
  messageId: string;
  handlerKey: string;
}

export interface CheckedDeadInboxQuery {
  filter: CheckedDeadInboxFilter;
  limit: number;
  /** The page starts after this run; null: the first page. */
  after: DeadInboxKey | null;
}

export function checkDeadInboxFilter(value: unknown, what = 'DeadInboxFilter'): CheckedDeadInboxFilter {
  return pickFilter(FilterChecks.keys(what, value, FILTER_KEYS), what);
}

/** @throws InvalidCursorError for a cursor this list did not return, InvalidFilterError for the rest */
export function checkDeadInboxQuery(value: unknown): CheckedDeadInboxQuery {
  const what = 'DeadInboxQuery';
  const query: DeadInboxQuery = FilterChecks.keys(what, value, [...FILTER_KEYS, 'limit', 'cursor']);
  return {
    filter: pickFilter(query as Record<string, unknown>, what),
    limit: FilterChecks.limit(what, query.limit, DEFAULT_DEAD_PAGE, MAX_DEAD_PAGE),
    after: query.cursor === undefined || query.cursor === null ? null : decodeDeadInboxCursor(query.cursor),
  };
}

export function deadInboxCursor(key: DeadInboxKey): string {
  return encodeKeysetCursor(CURSOR_KIND, [key.deadMicros, key.messageId, key.handlerKey]);
}

/** The run a cursor points after, each value checked. */
export function decodeDeadInboxCursor(cursor: unknown): DeadInboxKey {
  const [deadMicros, messageId, handlerKey] = decodeKeysetCursor(cursor, CURSOR_KIND, 3, LIST);
  if (
    !isDecimalInteger(deadMicros, 0n, MAX_EXACT_EPOCH_MICROS) ||
    !isKeyText(messageId) ||
    !isKeyText(handlerKey)
  ) {
    throw new InvalidCursorError(LIST, 'not a position in this list');
  }
  return { deadMicros, messageId, handlerKey };
}

/** Checked (messageId, handlerKey) pairs, duplicates dropped. */
export function checkHandlerRuns(what: string, value: unknown): InboxHandlerRun[] {
  const runs = new Map<string, InboxHandlerRun>();
  for (const run of FilterChecks.array<Partial<InboxHandlerRun> | null>(what, 'runs', value)) {
    if (!run || !isKeyText(run.messageId) || !isKeyText(run.handlerKey)) {
      throw new InvalidFilterError(
        'runs',
        `${what} "runs" must be an array of { messageId, handlerKey }, each a non-empty string without NUL ` +
          `characters; got ${JSON.stringify(run)?.slice(0, 80)}.`,
      );
    }
    runs.set(`${run.messageId}\n${run.handlerKey}`, { messageId: run.messageId, handlerKey: run.handlerKey });
  }
  return [...runs.values()];
}

/**
 * The SQL conditions on `inbox_handler_states st` of a filter and a position (`after`),
 * values bound through `params`, and its shape: which conditions are there. Statements
 * are prepared per shape, so the same shape must always give the same text.
 *
 * The position is a row comparison in the list's order (`updated_at, message_id,
 * handler_key`), which the index `inbox_handler_states_dead_page` serves. With a handler
 * key, the index `inbox_handler_states_dead_handler` (`handler_key, updated_at,
 * message_id`) serves the list instead, and needs the position on its own columns.
 */
export function deadInboxConditions(
  filter: CheckedDeadInboxFilter,
  after: DeadInboxKey | null,
  params: SqlParameters,
): { conditions: string[]; shape: string } {
  const conditions: string[] = [];
  let shape = '';
  const add = (letter: string, condition: string) => {
    conditions.push(condition);
    shape += letter;
  };
  if (filter.eventType !== undefined) add('e', `st.event_type = ${params.add(filter.eventType)}`);
  if (filter.handlerKey !== undefined) add('h', `st.handler_key = ${params.add(filter.handlerKey)}`);
  if (filter.errorContains !== undefined)
    add('x', `st.last_error ILIKE ${params.add(containsPattern(filter.errorContains))}`);
  if (filter.deadFrom !== undefined)
    add('f', `st.updated_at >= ${params.add(filter.deadFrom, 'timestamptz')}`);
  if (filter.deadTo !== undefined) add('u', `st.updated_at < ${params.add(filter.deadTo, 'timestamptz')}`);
  if (after) {
    const deadAt = timestamptzOfMicrosSql(params.add(after.deadMicros));
    const messageId = params.add(after.messageId);
    if (filter.handlerKey !== undefined) {
      add('k', `(st.updated_at, st.message_id) >= (${deadAt}, ${messageId})`);
    }
    add(
      'p',
      `(st.updated_at, st.message_id, st.handler_key) > (${deadAt}, ${messageId}, ${params.add(after.handlerKey)})`,
    );
  }
  return { conditions, shape: shape || 'all' };
}

function isKeyText(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length > 0 && value.length <= MAX_KEY_TEXT && !value.includes('\u0000')
  );
}

function pickFilter(raw: Record<string, unknown>, what: string): CheckedDeadInboxFilter {
  const filter: DeadInboxFilter = {};
  const eventType = FilterChecks.text(what, 'eventType', raw.eventType);
  const handlerKey = FilterChecks.text(what, 'handlerKey', raw.handlerKey);
  const errorContains = FilterChecks.text(what, 'errorContains', raw.errorContains);
  const deadFrom = FilterChecks.date(what, 'deadFrom', raw.deadFrom);
  const deadTo = FilterChecks.date(what, 'deadTo', raw.deadTo);
  if (eventType !== undefined) filter.eventType = eventType;
  if (handlerKey !== undefined) filter.handlerKey = handlerKey;
  if (errorContains !== undefined) filter.errorContains = errorContains;
  if (deadFrom !== undefined) filter.deadFrom = deadFrom;
  if (deadTo !== undefined) filter.deadTo = deadTo;
  return filter;
}
