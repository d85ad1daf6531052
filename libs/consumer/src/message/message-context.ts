import { WireHeaders, isValidTraceparent } from '@courier-nest/core';
import { ConsumerHeaders } from '../consumer.constants';
import type { MessageAttributes, MessageContext } from '../interfaces/message.interface';

/** Trace and causation context from the headers; malformed values are left out, not trusted. */
export function contextFromAttributes(attributes: MessageAttributes): MessageContext {
  const headers = attributes.headers;
  const text = (name: string): string | undefined => {
    const value = headers[name];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    return undefined;
  };
  const traceparent = text(WireHeaders.traceparent);
  const valid = traceparent !== undefined && isValidTraceparent(traceparent);
  return {
    traceparent: valid ? traceparent : undefined,
    tracestate: valid ? text(WireHeaders.tracestate) : undefined,
    correlationId: text(WireHeaders.correlationId) ?? attributes.correlationId,
    causationId: text(WireHeaders.causationId),
  };
}

/**
 * The attempt a delivery carries. A missing or nonsensical header means the first:
 * a forged counter can at worst shorten its own retries, never make them endless.
 */
export function attemptFromHeaders(headers: Readonly<Record<string, unknown>>): number {
  const raw = headers[ConsumerHeaders.attempt];
  const value = typeof raw === 'string' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? value : 1;
}
