import { BadRequestException } from '@nestjs/common';
import {
  integerIn,
  messageId,
  nonEmptyList,
  onlyKnownKeys,
  optionalDate,
  optionalText,
  requiredName,
} from './input-fields';
import { readSelection, type Selection } from './selection';

export interface ConsumerDeadQuery {
  queue: string;
  errorContains?: string;
  deadFrom?: Date;
  deadTo?: Date;
  offset: number;
  limit: number;
}

export function consumerDeadQuery(query: Record<string, unknown>, maxPageSize: number): ConsumerDeadQuery {
  onlyKnownKeys('query parameter', query, ['queue', 'error', 'from', 'to', 'limit', 'offset']);
  return {
    queue: requiredName('queue', query.queue),
    errorContains: optionalText('error', query.error),
    deadFrom: optionalDate('from', query.from),
    deadTo: optionalDate('to', query.to),
    offset: integerIn('offset', query.offset, 0, 0, 1_000_000),
    limit: integerIn('limit', query.limit, Math.min(50, maxPageSize), 1, maxPageSize),
  };
}

export interface ConsumerSelection {
  queue: string;
  which: Selection<string, Record<string, never>>;
}

export function consumerSelection(body: unknown, purge: boolean): ConsumerSelection {
  const queue = requiredName('queue', (body as { queue?: unknown } | null)?.queue);
  const which = readSelection(
    body,
    'messageIds',
    (value) => nonEmptyList('messageIds', value).map((id, i) => messageId(`messageIds[${i}]`, id)),
    (filter) => {
      if (typeof filter === 'object' && filter !== null && Object.keys(filter).length === 0) return {};
      throw new BadRequestException('Consumer dead letters take no "filter": send "all": true alone.');
    },
    purge,
    ['queue'],
  );
  return { queue, which };
}
