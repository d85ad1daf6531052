import type { ClaimedWork, ReceivedRows, StoredIncoming } from '../inbox.store';

/**
 * Which rows of a receive to store already claimed: the leading ones whose handler
 * runs fit in the room the dispatcher gave (as indexes into `rows`).
 */
export function rowsFitting(rows: readonly StoredIncoming[], room: number): Set<number> {
  const fitting = new Set<number>();
  let runs = 0;
  for (const [index, row] of rows.entries()) {
    runs += row.handlers.length;
    if (runs > room) break;
    fitting.add(index);
  }
  return fitting;
}

/**
 * The handler runs a receive stored claimed, as the dispatcher runs them: rows it
 * flagged and actually inserted (a duplicate is neither), attempt 1, with the
 * statement's fencing token. The payload is the text just stored, and the first run of
 * a message gets the value the caller decoded it from, if any.
 */
export function claimedOnReceive(
  rows: readonly StoredIncoming[],
  flagged: ReadonlySet<number>,
  stored: ReceivedRows,
): ClaimedWork[] {
  const claimed: ClaimedWork[] = [];
  if (stored.leaseToken === null) return claimed;
  for (const index of flagged) {
    const row = rows[index];
    // None for a duplicate (nothing stored) or a message no handler listens to.
    const rowIds = stored.rowIds.get(row.id);
    if (rowIds === undefined) continue;
    for (const [index, handler] of row.handlers.entries()) {
      claimed.push({
        messageId: row.id,
        handlerKey: handler.key,
        rowId: rowIds.get(handler.key)!,
        attempt: 1,
        leaseToken: stored.leaseToken,
        eventType: row.eventType,
        type: row.type,
        payload: row.payload,
        // One object per run: a handler may change what it got, the others decode their own.
        decodedPayload: index === 0 ? row.decodedPayload : undefined,
        headers: row.headers,
        occurredAt: row.occurredAt,
        receivedAt: stored.receivedAt,
      });
    }
  }
  return claimed;
}

/** True when an inserted row has handler runs that were not claimed on receive. */
export function leftPending(
  rows: readonly StoredIncoming[],
  flagged: ReadonlySet<number>,
  stored: ReceivedRows,
): boolean {
  return rows.some(
    (row, index) => row.handlers.length > 0 && !flagged.has(index) && stored.inserted.has(row.id),
  );
}
