import { InvalidMessageError, newMessageId, type OutgoingMessage } from '@courier-nest/core';
import {
  assertName,
  assertOptionalText,
  assertPayloadWithoutNul,
  assertTraceparent,
  assertUserHeaders,
  checkSchedule,
  MAX_TRACESTATE_LENGTH,
  type TraceCarrier,
} from '@courier-nest/core/internal';
import type { ResolvedOutboxOptions } from './outbox-options.resolver';
import type { OutboxRowInput } from './outbox.store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Validates a message and turns it into the row `publish` writes. Everything is
 * checked and encoded before any SQL runs, so a bad message writes nothing.
 *
 * `activeTrace` is the trace context active where `publish` was called. It fills
 * `traceparent` (and then `tracestate`) only when the message leaves `traceparent`
 * undefined: a value given on the message wins, and `null` keeps the message untraced (its
 * `tracestate` is dropped: no trace context at all).
 */
export function toOutboxRow(
  message: OutgoingMessage,
  options: ResolvedOutboxOptions,
  activeTrace: TraceCarrier | null = null,
): OutboxRowInput {
  if (typeof message !== 'object' || message === null) {
    throw new InvalidMessageError(
      'message',
      'A message must be an object with destination, type and payload.',
    );
  }
  assertName('destination', message.destination);
  assertName('type', message.type);
  assertOptionalText('key', message.key);
  assertOptionalText('correlationId', message.correlationId);
  assertOptionalText('causationId', message.causationId);
  assertTraceparent(message.traceparent);
  assertOptionalText('tracestate', message.tracestate, MAX_TRACESTATE_LENGTH);
  assertUserHeaders(message.headers);
  if (message.id !== undefined && (typeof message.id !== 'string' || !UUID.test(message.id))) {
    throw new InvalidMessageError(
      'id',
      `Message id must be a UUID; got ${JSON.stringify(message.id)}. Leave it out to get a new one.`,
    );
  }
  const occurredAt = message.occurredAt ?? new Date();
  if (!(occurredAt instanceof Date) || Number.isNaN(occurredAt.getTime())) {
    throw new InvalidMessageError('occurredAt', 'Message occurredAt must be a valid Date.');
  }
  const schedule = checkSchedule(message.deliverAt, message.delayMs);
  if (message.payload === undefined) {
    throw new InvalidMessageError('payload', 'Message payload is required (use null for "no data").');
  }
  let body: string;
  try {
    body = options.codec.encode(message.payload);
  } catch (error) {
    throw new InvalidMessageError('payload', (error as Error).message, { cause: error });
  }
  // As escaped JSON text the row could hold it, but every inbox refuses it (decoded, PostgreSQL
  // cannot store it): refused here, where the writer can still fix it.
  assertPayloadWithoutNul(body);
  const id = message.id ?? newMessageId();
  const inherited = message.traceparent === undefined ? activeTrace : null;
  const traceparent = inherited ? inherited.traceparent : (message.traceparent ?? null);
  return {
    id,
    destination: message.destination,
    type: message.type,
    key: message.key ?? null,
    body,
    correlationId: message.correlationId ?? id,
    causationId: message.causationId ?? null,
    traceparent,
    // A tracestate means nothing without its traceparent (W3C): `traceparent: null`, or none
    // active, stores neither.
    tracestate:
      traceparent === null
        ? null
        : message.tracestate !== undefined
          ? message.tracestate
          : (inherited?.tracestate ?? null),
    headers: { ...(message.headers ?? {}) },
    occurredAt,
    source: options.serviceName,
    ...schedule,
  };
}
