/**
 * Which dead outbox messages a list or a bulk action covers. Every field is optional and
 * they combine with AND; `{}` means every dead message.
 */
export interface DeadOutboxFilter {
  /** Exactly this destination. */
  destination?: string;
  /** Exactly this message type. */
  type?: string;
  /** Part of the last error, case-insensitively (`%` and `_` match only themselves). */
  errorContains?: string;
  /** Dead at or after this time. */
  deadFrom?: Date;
  /** Dead before this time. */
  deadTo?: Date;
}

/** One page of dead outbox messages. */
export interface DeadOutboxQuery extends DeadOutboxFilter {
  /** Page size, 1 to 1,000. @default 100 */
  limit?: number;
  /** The `nextCursor` of the page before; without it, the first page. */
  cursor?: string;
}

/** A dead outbox message as stored. */
export interface DeadOutboxEntry {
  id: string;
  destination: string;
  type: string;
  key: string | null;
  /** The stored text of the payload (JSON), as the relay would publish it. */
  payload: string;
  headers: Record<string, string>;
  correlationId: string;
  causationId: string | null;
  traceparent: string | null;
  tracestate: string | null;
  source: string;
  attempts: number;
  lastError: string | null;
  occurredAt: Date;
  createdAt: Date;
  deadAt: Date;
}

/** Dead outbox messages, oldest first (write order), and where the next page starts. */
export interface DeadOutboxPage {
  items: DeadOutboxEntry[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** What the outbox holds for one destination. */
export interface OutboxDestinationStats {
  destination: string;
  /** Messages not dead that are due: waiting, leased or backing off (scheduled ones once their time came). */
  pending: number;
  /** Age of the oldest of those, from its INSERT or its due time if it was scheduled (database clock); 0 when there is none. */
  oldestPendingAgeMs: number;
  dead: number;
  /** Scheduled messages whose time has not come yet. */
  scheduled: number;
}

/**
 * Where a message is in the outbox: `scheduled` (its time has not come, or it has and no
 * relay moved it yet), `pending` (waiting, never failed), `leased` (a relay is publishing
 * it now), `retrying` (failed before, waiting for its next attempt) or `dead`. A published
 * message is no longer in the outbox.
 */
export type OutboxMessageState = 'scheduled' | 'pending' | 'leased' | 'retrying' | 'dead';

/** A message still in the outbox, whatever its state. */
export interface OutboxMessageRecord extends Omit<DeadOutboxEntry, 'deadAt'> {
  state: OutboxMessageState;
  /** When it is next due (scheduled: its time; leased: when its lease ends); null when dead. */
  availableAt: Date | null;
  deadAt: Date | null;
}
