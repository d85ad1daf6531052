// The console's HTTP API as docs/console.md gives it, in the parts the CLI reads. Every
// field is typed as the API promises it; the formatters still print "-" for a missing one,
// so a newer or older console degrades to blanks, not to a crash.

export interface SessionAnswer {
  principal: string;
  csrfToken: string;
  components: { outbox: boolean; inbox: boolean; consumer: boolean };
}

export interface OverviewAnswer {
  at: string;
  outbox: {
    destinations: {
      destination: string;
      pending: number;
      oldestPendingAgeMs: number | null;
      dead: number;
      /** Scheduled messages whose time has not come (consoles of releases before scheduling omit it). */
      scheduled?: number;
    }[];
  } | null;
  inbox: {
    handlers: {
      eventType: string;
      handlerKey: string;
      pending: number;
      running: number;
      failedWaiting: number;
      dead: number;
    }[];
  } | null;
  consumer: {
    queues: {
      queue: string;
      depth: number | null;
      consumers: number | null;
      retryDepth: number | null;
      deadLetterQueue: string;
      deadDepth: number | null;
      /** Instead of the figures, when the broker could not answer for this queue. */
      error?: string;
    }[];
  } | null;
}

export interface DeadOutboxMessage {
  id: string;
  destination: string;
  type: string;
  key: string | null;
  payload: string;
  attempts: number;
  lastError: string | null;
  deadAt: string;
}

export interface DeadInboxRun {
  messageId: string;
  eventType: string;
  handlerKey: string;
  messageType: string;
  payload: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  deadAt: string;
}

export interface DeadLetter {
  queue: string;
  deadLetterQueue: string;
  position: number;
  messageId: string | null;
  type: string | null;
  payload: string;
  reason: string | null;
  attempts: number | null;
  deadLetteredAt: string | null;
}

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface OffsetPage<T> {
  items: T[];
  total: number;
  nextOffset: number | null;
}

export interface JourneyAnswer {
  id: string;
  traceId: string | null;
  outbox: { destination: string; attempts: number; deadAt: string | null } | null;
  published: { destination: string; outcome: string; at: string } | null;
  inbox: {
    eventType: string;
    handlers: { handlerKey: string; status: string; attempts: number; maxAttempts: number }[];
  } | null;
  steps: { at: string; what: string }[];
}

/** What a replay / requeue / purge answers: one count, and the entries it acted on when named. */
export interface ActionAnswer {
  requeued?: number;
  replayed?: number;
  purged?: number;
  ids?: string[];
  runs?: { messageId: string; handlerKey: string }[];
  messageIds?: string[];
}
