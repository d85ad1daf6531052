/** The rows the inbox store reads and writes, as the dispatcher and the receive path see them. */
export interface StoredIncoming {
  id: string;
  eventType: string;
  type: string | null;
  payload: string;
  /** `payload` decoded, when the caller had it already (see IncomingMessage.encodedPayload). */
  decodedPayload?: unknown;
  headers: Record<string, string>;
  occurredAt: Date | null;
  /** Shared by every message of an event type: never modified. */
  handlers: ReadonlyArray<{ key: string; maxAttempts: number }>;
}

export interface ClaimedWork {
  messageId: string;
  handlerKey: string;
  /** Where the claimed row is (its ctid), to settle it without a search. */
  rowId: string;
  attempt: number;
  leaseToken: string;
  eventType: string;
  type: string | null;
  payload: string;
  /** `payload` decoded already, for this run alone (no other run may get the same object). */
  decodedPayload?: unknown;
  headers: Record<string, string>;
  occurredAt: Date | null;
  receivedAt: Date;
}

export interface WorkOutcome {
  messageId: string;
  handlerKey: string;
  rowId: string;
  outcome: 'done' | 'failed' | 'dead';
  error: string | null;
  delayMs: number;
}

export interface SettledRow {
  messageId: string;
  handlerKey: string;
  status: 'done' | 'failed' | 'dead';
  attempts: number;
}

export interface InboxStats {
  due: number;
  open: number;
  dead: number;
  oldestDueAgeMs: number;
}

export interface DeadInboxHandler {
  messageId: string;
  eventType: string;
  handlerKey: string;
  attempts: number;
  lastError: string | null;
  deadAt: Date;
}

/** Which messages of a receive to store already claimed, and by whom. */
export interface ReceiveClaim {
  /** Indexes into the messages passed to `receive`. */
  of: ReadonlySet<number>;
  owner: string;
  leaseMs: number;
}

export interface ReceivedRows {
  /** The ids that were new (the rest were duplicates). */
  inserted: Set<string>;
  /** When they were stored: the statement's time, the same for every row it stored. */
  receivedAt: Date;
  /** The fencing token of the rows stored claimed; null when none were. */
  leaseToken: string | null;
  /** Where each handler row was stored: message id → handler key → row id. */
  rowIds: Map<string, Map<string, string>>;
}

/** The (eventType, handlerKey) pairs a process has registered, as "eventType handlerKey" (neither holds a space). */
export interface HandlerPairs {
  pairs: string[];
}

/** A claimed handler run, as renewing and giving back find it. */
export type ClaimedRun = Pick<ClaimedWork, 'messageId' | 'handlerKey' | 'leaseToken'>;
