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

/** What `InboxService.receive` takes: a message from any transport. */
export interface IncomingMessage<TPayload = unknown> {
  id: string;
  eventType: string;
  type?: string | null;
  payload: TPayload;
  /**
   * The payload's JSON text when the transport has it already (e.g. the body it decoded
   * `payload` from with the inbox's codec): it is stored as is, saving an encode, and a
   * handler run that starts in this process as the message is stored may get `payload`
   * itself instead of decoding the text again. Must decode to `payload`.
   */
  encodedPayload?: string;
  occurredAt?: Date | null;
  headers?: Record<string, string>;
}
