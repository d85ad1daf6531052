import type { ConsumeMessage } from 'amqplib';
import { WireHeaders, type JsonCodec } from '@courier-nest/core';
import type { IncomingMessage } from '@courier-nest/core';

export type Inbound = { ok: true; message: IncomingMessage } | { ok: false; reason: string };

/**
 * Turns a delivery into an inbox message, or says why it cannot be one. Everything
 * that comes off the wire is untrusted: the body goes through the safe codec, header
 * values are kept only as strings.
 */
export function fromDelivery(delivery: ConsumeMessage, eventType: string, codec: JsonCodec): Inbound {
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
  const type: string = typeof properties.type === 'string' ? properties.type : fields.routingKey;
  // PostgreSQL text and jsonb cannot hold NUL: refuse it here, per delivery, not in the
  // batch insert (which would fail, and be requeued, for every delivery in the batch).
  if (id.includes('\u0000') || type.includes('\u0000')) {
    return { ok: false, reason: 'message id or type contains a NUL character' };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(properties.headers ?? {})) {
    if (typeof value === 'string') headers[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') headers[name] = String(value);
  }
  if (typeof properties.correlationId === 'string')
    headers[WireHeaders.correlationId] = properties.correlationId;
  if (typeof properties.appId === 'string') headers['x-courier-source'] = properties.appId;
  for (const [name, value] of Object.entries(headers)) {
    if (name.includes('\u0000') || value.includes('\u0000'))
      return { ok: false, reason: `header ${JSON.stringify(name)} contains a NUL character` };
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
