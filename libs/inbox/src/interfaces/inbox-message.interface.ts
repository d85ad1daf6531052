/** A message as an inbox handler receives it. */
export interface InboxMessage<TPayload = unknown> {
  /** The producer's message id; the inbox deduplicates on it. */
  id: string;
  /** What handlers subscribe to: on RabbitMQ, the destination exchange (e.g. `order_events`). */
  eventType: string;
  /** The producer's message type (e.g. `order_created`), if it sent one. */
  type: string | null;
  payload: TPayload;
  /** Wire metadata: correlation / causation ids, trace context, user headers. */
  headers: Record<string, string>;
  occurredAt: Date | null;
  receivedAt: Date;
}
