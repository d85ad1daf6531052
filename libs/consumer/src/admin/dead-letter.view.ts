import { isUtf8 } from 'node:buffer';
import { ConsumerHeaders } from '../consumer.constants';
import type { DeadLetter } from '../interfaces/consumer-queue-admin.interface';

/** A dead letter as a transport holds it: the body and what it knows of the properties. */
export interface DeadLetterFields {
  payload: Buffer;
  messageId?: string | null;
  type?: string | null;
  contentType?: string | null;
  headers?: Readonly<Record<string, unknown>> | null;
}

/**
 * A dead letter as the queue admin shows it. Anything can sit in a dead-letter queue (that is
 * why it is there), so nothing here may throw: a body that is not UTF-8 is shown as base64,
 * a header that is not text as JSON, an attempt or time that does not parse as null.
 */
export function toDeadLetter(
  where: { queue: string; deadLetterQueue: string; position: number },
  message: DeadLetterFields,
): DeadLetter {
  const headers = message.headers ?? {};
  const utf8 = isUtf8(message.payload);
  return {
    ...where,
    messageId: text(message.messageId),
    type: text(message.type),
    payload: message.payload.toString(utf8 ? 'utf8' : 'base64'),
    payloadEncoding: utf8 ? 'utf8' : 'base64',
    contentType: text(message.contentType),
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, headerText(value)])),
    reason: text(headers[ConsumerHeaders.deadLetterReason]),
    attempts: count(headers[ConsumerHeaders.attempt]),
    deadLetteredAt: time(headers[ConsumerHeaders.deadLetteredAt]),
    originalQueue: text(headers[ConsumerHeaders.originalQueue]),
  };
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value) && isUtf8(value)) return value.toString('utf8');
  return null;
}

function count(value: unknown): number | null {
  const number = typeof value === 'number' ? value : Number(text(value) ?? NaN);
  return Number.isSafeInteger(number) && number >= 0 ? number : null;
}

function time(value: unknown): Date | null {
  const raw = value instanceof Date ? value.getTime() : Date.parse(text(value) ?? '');
  return Number.isNaN(raw) ? null : new Date(raw);
}

/** Text as it is; bytes as text when they are UTF-8, else base64; anything else as JSON. */
function headerText(value: unknown): string {
  const plain = text(value);
  if (plain !== null) return plain;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  try {
    // Buffers nested in tables (x-death) become text too; `this[key]` is the value before toJSON.
    const json = JSON.stringify(value, function (this: Record<string, unknown>, key, converted) {
      const raw = this[key];
      return Buffer.isBuffer(raw) ? (text(raw) ?? raw.toString('base64')) : converted;
    });
    return json ?? String(value);
  } catch {
    return String(value); // a cycle or a BigInt: whatever String gives
  }
}
