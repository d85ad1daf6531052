/**
 * AMQP header names Courier owns. A user header with one of these names (compared
 * case-insensitively), or starting with `x-courier-`, is refused rather than ignored,
 * so nobody can forge causation or trace context by accident.
 */
export const WireHeaders = {
  causationId: 'x-causation-id',
  correlationId: 'x-correlation-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  messageKey: 'x-courier-key',
  occurredAt: 'x-courier-occurred-at',
} as const;

export const RESERVED_HEADER_NAMES: readonly string[] = Object.values(WireHeaders);
export const RESERVED_HEADER_PREFIX = 'x-courier-';

export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith(RESERVED_HEADER_PREFIX) || RESERVED_HEADER_NAMES.includes(lower);
}
