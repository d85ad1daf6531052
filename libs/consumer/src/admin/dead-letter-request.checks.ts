import { DeadLetterSelectionError } from '../errors/dead-letter-selection.error';
import { DeadLetterWindowError } from '../errors/dead-letter-window.error';
import type { DeadLetterSelection, DeadLetterWindow } from '../interfaces/consumer-queue-admin.interface';

/**
 * How far from its head a dead-letter queue is read at once. A broker queue is read from its
 * head only, and every message read is held (unacknowledged, in memory) until the read ends:
 * this bounds both. Ids to requeue or purge are looked for among this many too.
 */
export const MAX_DEAD_LETTER_WINDOW = 1_000;

/** What a requeue or purge takes, once checked: every dead letter, or those with these ids. */
export type DeadLetterTarget = { all: true } | { messageIds: ReadonlySet<string> };

export function checkDeadLetterWindow(deadLetterQueue: string, window: DeadLetterWindow): DeadLetterWindow {
  const { offset, limit } = window ?? ({} as Partial<DeadLetterWindow>);
  const max = MAX_DEAD_LETTER_WINDOW;
  if (!isCount(offset) || !isCount(limit)) {
    throw new DeadLetterWindowError(
      offset,
      limit,
      max,
      `A dead-letter window needs offset, an integer >= 0, and limit, an integer from 0 to ${max}; ` +
        `got offset ${String(offset)}, limit ${String(limit)}.`,
    );
  }
  if (offset + limit > max) {
    throw new DeadLetterWindowError(
      offset,
      limit,
      max,
      `Cannot show dead letters ${offset} to ${offset + limit - 1} of "${deadLetterQueue}": a broker queue can ` +
        `only be read from its head, so at most its first ${max} are read (offset + limit <= ${max}). ` +
        'To see later ones, requeue or purge those ahead of them.',
    );
  }
  return { offset, limit };
}

export function checkDeadLetterSelection(which: DeadLetterSelection): DeadLetterTarget {
  const given = which as { all?: unknown; messageIds?: unknown } | null | undefined;
  if (given?.all === true && given.messageIds === undefined) return { all: true };
  const ids = given?.messageIds;
  if (given?.all === undefined && Array.isArray(ids) && ids.every((id) => typeof id === 'string')) {
    return { messageIds: new Set(ids) };
  }
  throw new DeadLetterSelectionError(
    'Say which dead letters: { messageIds: [...] } (strings) or { all: true }, not both; ' +
      `got ${describe(which)}.`,
  );
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
