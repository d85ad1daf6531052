/**
 * A message as Courier carries it, from the outbox row to the inbox handler.
 * On RabbitMQ: `id` → messageId, `type` → type and routing key, `destination` → exchange,
 * `occurredAt` → timestamp, `source` → appId, `correlationId` → correlationId, the rest
 * in headers (see `WireHeaders`).
 */
export interface MessageEnvelope<TPayload = unknown> {
  /** Unique per message; the inbox deduplicates on it. */
  id: string;
  /** Where it goes: on RabbitMQ, a durable topic exchange of that name. */
  destination: string;
  /** What it says, e.g. `order_created`; on RabbitMQ, the routing key. */
  type: string;
  /** Business key (e.g. an order id); with per-key ordering, same-key messages keep their order. */
  key: string | null;
  payload: TPayload;
  /** Groups the messages of one business flow; defaults to the message id. */
  correlationId: string;
  /** The id of the message that caused this one, if any. */
  causationId: string | null;
  /** W3C trace context, so one trace spans the services. */
  traceparent: string | null;
  tracestate: string | null;
  /** User headers. Reserved names (see `RESERVED_HEADER_NAMES`) are refused. */
  headers: Record<string, string>;
  occurredAt: Date;
  /** The service that wrote it. */
  source: string;
}

/** What a caller gives `OutboxService.publish`; the rest is filled in. */
export interface OutgoingMessage<TPayload = unknown> {
  destination: string;
  type: string;
  payload: TPayload;
  key?: string | null;
  /** @default a new UUID */
  id?: string;
  /** @default the message id */
  correlationId?: string;
  causationId?: string | null;
  /**
   * W3C trace context. Left undefined, the context active where `publish` is called is
   * used (if a span is active); `null` sends none.
   * @default the active trace context
   */
  traceparent?: string | null;
  /** @default the active context's, when `traceparent` is taken from it */
  tracestate?: string | null;
  headers?: Record<string, string>;
  /** @default now */
  occurredAt?: Date;
  /**
   * Publish no earlier than this time (compared with the database clock). A time that is
   * not later than the write means "now". At most `MAX_SCHEDULE_DELAY_MS` ahead; not with
   * `delayMs`.
   * @default null (publish once committed)
   * @example { ..., deliverAt: new Date(order.expiresAt) }
   */
  deliverAt?: Date | null;
  /**
   * Publish no earlier than this many milliseconds after the write (database clock). A
   * non-negative integer, at most `MAX_SCHEDULE_DELAY_MS`; 0 means now. Not with `deliverAt`.
   * @default null (publish once committed)
   * @example { ..., delayMs: 15 * 60_000 }
   */
  delayMs?: number | null;
}
