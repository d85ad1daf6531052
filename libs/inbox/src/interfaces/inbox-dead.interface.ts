/**
 * Which dead handler runs a list or a bulk action covers. Every field is optional and
 * they combine with AND; `{}` means every dead run.
 */
export interface DeadInboxFilter {
  /** Exactly this event type. */
  eventType?: string;
  /** Exactly this handler key. */
  handlerKey?: string;
  /** Part of the last error, case-insensitively (`%` and `_` match only themselves). */
  errorContains?: string;
  /** Dead at or after this time. */
  deadFrom?: Date;
  /** Dead before this time. */
  deadTo?: Date;
}

/** One page of dead handler runs. */
export interface DeadInboxQuery extends DeadInboxFilter {
  /** Page size, 1 to 1,000. @default 100 */
  limit?: number;
  /** The `nextCursor` of the page before; without it, the first page. */
  cursor?: string;
}

/** A dead (message, handler) run, with its message as stored. */
export interface DeadInboxEntry {
  messageId: string;
  eventType: string;
  handlerKey: string;
  messageType: string | null;
  /** The stored text of the payload (JSON). */
  payload: string;
  headers: Record<string, string>;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  occurredAt: Date | null;
  receivedAt: Date;
  deadAt: Date;
}

/** Dead handler runs, the oldest death first, and where the next page starts. */
export interface DeadInboxPage {
  items: DeadInboxEntry[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** One handler's run of one message. */
export interface InboxHandlerRun {
  messageId: string;
  handlerKey: string;
}

/**
 * Unfinished runs of one (event type, handler): `pending` waiting to run, `running` (a
 * claim holds it), `failedWaiting` (failed, waiting for its next attempt), `dead`.
 */
export interface InboxHandlerStats {
  eventType: string;
  handlerKey: string;
  pending: number;
  running: number;
  failedWaiting: number;
  dead: number;
}

export type InboxHandlerStatus = 'pending' | 'progress' | 'failed' | 'done' | 'dead';

/** A message as the inbox stored it, with the state of each of its handler runs. */
export interface InboxMessageRecord {
  id: string;
  eventType: string;
  messageType: string | null;
  payload: string;
  headers: Record<string, string>;
  occurredAt: Date | null;
  receivedAt: Date;
  /** By handler key. A purged run is not here; a message whose runs are all done may have none left. */
  handlers: Array<{
    handlerKey: string;
    status: InboxHandlerStatus;
    attempts: number;
    maxAttempts: number;
    lastError: string | null;
    /** When a pending or failed run is due; for a running one, when its claim ends. */
    availableAt: Date;
    updatedAt: Date;
  }>;
}
