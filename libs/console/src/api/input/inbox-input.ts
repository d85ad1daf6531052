import type { DeadInboxFilter, DeadInboxQuery, InboxHandlerRun } from '@courier-nest/inbox';
import {
  integerIn,
  messageId,
  nonEmptyList,
  objectBody,
  onlyKnownKeys,
  optionalCursor,
  optionalDate,
  optionalName,
  optionalText,
  requiredName,
} from './input-fields';
import { readSelection, type Selection } from './selection';

const FILTER_KEYS = ['eventType', 'handlerKey', 'error', 'from', 'to'] as const;

export function inboxFilter(value: unknown): DeadInboxFilter {
  const raw = objectBody('"filter"', value);
  onlyKnownKeys('filter', raw, FILTER_KEYS);
  return {
    eventType: optionalName('eventType', raw.eventType),
    handlerKey: optionalName('handlerKey', raw.handlerKey),
    errorContains: optionalText('error', raw.error),
    deadFrom: optionalDate('from', raw.from),
    deadTo: optionalDate('to', raw.to),
  };
}

export function inboxDeadQuery(query: Record<string, unknown>, maxPageSize: number): DeadInboxQuery {
  onlyKnownKeys('query parameter', query, [...FILTER_KEYS, 'limit', 'cursor']);
  const { limit, cursor, ...filter } = query;
  return {
    ...inboxFilter(filter),
    limit: integerIn('limit', limit, Math.min(50, maxPageSize), 1, maxPageSize),
    cursor: optionalCursor(cursor),
  };
}

export function inboxSelection(body: unknown, purge: boolean): Selection<InboxHandlerRun, DeadInboxFilter> {
  return readSelection(body, 'runs', readRuns, inboxFilter, purge);
}

function readRuns(value: unknown): InboxHandlerRun[] {
  return nonEmptyList('runs', value).map((entry, i) => {
    const run = objectBody(`"runs[${i}]"`, entry);
    onlyKnownKeys(`field of runs[${i}]`, run, ['messageId', 'handlerKey']);
    return {
      messageId: messageId(`runs[${i}].messageId`, run.messageId),
      handlerKey: requiredName(`runs[${i}].handlerKey`, run.handlerKey),
    };
  });
}
