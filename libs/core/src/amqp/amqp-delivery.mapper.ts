import { JsonCodec } from '../codec/json-codec';
import { hasNulCharacter, nulCharacterPathInJson, nulCharacterProblem } from '../envelope/nul-character';
import { WireHeaders } from '../envelope/wire-headers';
import type { IncomingMessage } from '../ports/inbox-feed.port';

/**
 * What the mapping reads of an AMQP 0-9-1 delivery. Declared here, structurally, so core
 * needs no AMQP client: amqplib's `ConsumeMessage` (any version, including the one
 * @golevelup/nestjs-rabbitmq hands its handlers) fits it as it is.
 */
export interface AmqpDelivery {
  content: Buffer;
  fields: { routingKey: string };
  properties: {
    messageId?: unknown;
    type?: unknown;
    correlationId?: unknown;
    appId?: unknown;
    timestamp?: unknown;
    headers?: Record<string, unknown> | null;
  };
}

/** A delivery mapped: the inbox message, or why it can never be one (a malformed delivery). */
export type InboundDelivery = { ok: true; message: IncomingMessage } | { ok: false; reason: string };

/** One codec with the default limits, for callers that do not pass the inbox's. */
let defaultCodec: JsonCodec | undefined;

/**
 * Turns an AMQP delivery of Courier's wire format (DESIGN "On the wire") into what
 * `InboxService.receive` takes, or says why it cannot be one. This is the mapping
 * Courier's own RabbitMQ bridge uses; a service on another AMQP client (e.g. a
 * `@RabbitSubscribe` handler of @golevelup/nestjs-rabbitmq) hands its raw delivery here.
 *
 * Everything that comes off the wire is untrusted: the body goes through the safe codec,
 * header values are kept only as strings, and a refusal is final (the same delivery will
 * be refused again), so it should be dead-lettered or dropped, never requeued.
 *
 * @param delivery the raw delivery (amqplib's `ConsumeMessage`)
 * @param eventType the inbox event type it belongs to (on RabbitMQ: the exchange's name)
 * @param codec the inbox's codec (`InboxFeed.codec`), so its size limit applies; default limits if left out
 */
export function incomingFromDelivery(
  delivery: AmqpDelivery,
  eventType: string,
  codec: JsonCodec = (defaultCodec ??= new JsonCodec()),
): InboundDelivery {
  const { properties, fields } = delivery;
  const id = properties.messageId;
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) {
    return {
      ok: false,
      reason: 'no usable message id (AMQP messageId must be a string of 1-255 characters)',
    };
  }
  let payload: unknown;
  let encodedPayload: string;
  try {
    // The body's text is stored as received: no second encode per delivery. What the
    // text does not stand for (1e400 parses to Infinity) is refused here, per delivery.
    ({ value: payload, text: encodedPayload } = codec.decodeWithText(delivery.content));
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const type = typeof properties.type === 'string' ? properties.type : fields.routingKey;
  // PostgreSQL text and jsonb cannot hold NUL: refuse it here, per delivery, not in the
  // batch insert (which would fail, and be requeued, for every delivery in the batch).
  // A payload string holds one as a `\u0000` escape: valid JSON, stored as text it would
  // fit, but no handler could store what it decodes to.
  const nulAt =
    (hasNulCharacter(id) && 'message id') ||
    (hasNulCharacter(type) && 'message type') ||
    nulCharacterPathInJson(encodedPayload, 'payload', payload);
  if (nulAt) return { ok: false, reason: nulCharacterProblem(nulAt) };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(properties.headers ?? {})) {
    if (typeof value === 'string') headers[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') headers[name] = String(value);
  }
  if (typeof properties.correlationId === 'string')
    headers[WireHeaders.correlationId] = properties.correlationId;
  if (typeof properties.appId === 'string') headers['x-courier-source'] = properties.appId;
  for (const [name, value] of Object.entries(headers)) {
    if (hasNulCharacter(name) || hasNulCharacter(value))
      return { ok: false, reason: nulCharacterProblem(`header ${JSON.stringify(name)}`) };
  }
  const occurredAt =
    storableDate(parseDate(headers[WireHeaders.occurredAt])) ??
    (typeof properties.timestamp === 'number' ? storableDate(new Date(properties.timestamp * 1000)) : null);
  return {
    ok: true,
    message: {
      id,
      eventType,
      type,
      payload,
      encodedPayload,
      headers,
      occurredAt,
    },
  };
}

function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

// Years 1-9999: the dates whose ISO form (how the store sends them) PostgreSQL reads.
// Any uint64 is a valid AMQP timestamp; a date outside this range would fail the batch.
const MIN_STORABLE_MS = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_STORABLE_MS = Date.parse('9999-12-31T23:59:59.999Z');

function storableDate(date: Date | null): Date | null {
  if (!date) return null;
  const time = date.getTime();
  return time >= MIN_STORABLE_MS && time <= MAX_STORABLE_MS ? date : null;
}
