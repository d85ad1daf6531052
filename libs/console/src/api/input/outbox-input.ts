import type { DeadOutboxFilter, DeadOutboxQuery } from '@courier-nest/outbox';
import {
  integerIn,
  nonEmptyList,
  objectBody,
  onlyKnownKeys,
  optionalCursor,
  optionalDate,
  optionalName,
  optionalText,
  uuid,
} from './input-fields';
import { readSelection, type Selection } from './selection';

const FILTER_KEYS = ['destination', 'type', 'error', 'from', 'to'] as const;

export function outboxFilter(value: unknown): DeadOutboxFilter {
  const raw = objectBody('"filter"', value);
  onlyKnownKeys('filter', raw, FILTER_KEYS);
  return {
    destination: optionalName('destination', raw.destination),
    type: optionalName('type', raw.type),
    errorContains: optionalText('error', raw.error),
    deadFrom: optionalDate('from', raw.from),
    deadTo: optionalDate('to', raw.to),
  };
}

export function outboxDeadQuery(query: Record<string, unknown>, maxPageSize: number): DeadOutboxQuery {
  onlyKnownKeys('query parameter', query, [...FILTER_KEYS, 'limit', 'cursor']);
  const { limit, cursor, ...filter } = query;
  return {
    ...outboxFilter(filter),
    limit: integerIn('limit', limit, Math.min(50, maxPageSize), 1, maxPageSize),
    cursor: optionalCursor(cursor),
  };
}

export function outboxSelection(body: unknown, purge: boolean): Selection<string, DeadOutboxFilter> {
  return readSelection(
    body,
    'ids',
    (value) => nonEmptyList('ids', value).map((id, i) => uuid(`ids[${i}]`, id)),
    outboxFilter,
    purge,
  );
}
