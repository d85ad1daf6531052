/**
 * Provide the transport (an `OutboxPublisher`) under this token; `CourierRabbitMQModule` does.
 * A registered symbol: one token however many copies of this package an app ends up with.
 */
export const OUTBOX_PUBLISHER = Symbol.for('courier:outbox-publisher');

/**
 * The port a transport implements so the outbox relay can hand it a batch of outbox rows
 * (@courier-nest/rabbitmq provides the RabbitMQ one; register it under `OUTBOX_PUBLISHER`).
 * It lives in core so that a transport needs no outbox code at run time; @courier-nest/outbox
 * re-exports it.
 *
 * Contract:
 * - `publishBatch` sends the whole batch pipelined and resolves with exactly one
 *   result per message, in input order. It never rejects: every failure is a result.
 * - `confirmed` means the broker took responsibility for the message AND routed it
 *   somewhere (publisher confirm, not returned). Only such rows leave the outbox.
 * - `failed` means the broker refused it (nack, returned as unroutable, missing
 *   destination) or did not answer in time: the row is retried later and the
 *   attempt counts towards `maxAttempts`.
 * - `unsent` means it never reached a broker (not connected, connection lost before
 *   a confirm): the row is released for a retry and the attempt does not count,
 *   so an outage cannot push messages to the dead state.
 * - Calls may overlap (the relay runs several batches at once); an implementation
 *   must keep their confirms apart.
 */
export interface OutboxPublisher {
  publishBatch(messages: readonly OutboxDelivery[]): Promise<PublishResult[]>;
  /** True when a publish now would reach the broker. The relay does not claim while false. */
  isReady(): boolean;
}

/** One outbox row as the transport sees it: the envelope, its payload already encoded. */
export interface OutboxDelivery {
  id: string;
  destination: string;
  type: string;
  key: string | null;
  /** The JSON payload, encoded once when the row was written. */
  body: string;
  correlationId: string;
  causationId: string | null;
  traceparent: string | null;
  tracestate: string | null;
  headers: Record<string, string>;
  occurredAt: Date;
  source: string;
}

export type PublishResult =
  | { status: 'confirmed' }
  | { status: 'failed'; reason: PublishFailureReason; error: string }
  | { status: 'unsent'; error: string };

/** Bounded set: also a metric label. */
export type PublishFailureReason = 'nacked' | 'returned' | 'timeout' | 'channel-error';
