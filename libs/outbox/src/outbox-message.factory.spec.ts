import { InvalidMessageError, type OutgoingMessage } from '@courier-nest/core';
import { type TraceCarrier } from '@courier-nest/core/internal';
import { toOutboxRow } from './outbox-message.factory';
import { resolveOutboxOptions } from './outbox-options.resolver';

const options = resolveOutboxOptions({ serviceName: 'orders' });
const message: OutgoingMessage = { destination: 'order_events', type: 'order_created', payload: { n: 1 } };
const ACTIVE: TraceCarrier = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  tracestate: 'active=1',
};
const GIVEN = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';

const traceOf = (m: OutgoingMessage, active: TraceCarrier | null) => {
  const { traceparent, tracestate } = toOutboxRow(m, options, active);
  return { traceparent, tracestate };
};

describe('toOutboxRow: trace context', () => {
  it('takes the active trace context when the message has no traceparent', () => {
    expect(traceOf(message, ACTIVE)).toEqual(ACTIVE);
    expect(traceOf(message, { ...ACTIVE, tracestate: null })).toEqual({ ...ACTIVE, tracestate: null });
  });

  it('stores none when nothing is active', () => {
    expect(traceOf(message, null)).toEqual({ traceparent: null, tracestate: null });
    expect(toOutboxRow(message, options)).toMatchObject({ traceparent: null, tracestate: null });
  });

  it("lets the message's traceparent win, without the active tracestate", () => {
    expect(traceOf({ ...message, traceparent: GIVEN }, ACTIVE)).toEqual({
      traceparent: GIVEN,
      tracestate: null,
    });
    expect(traceOf({ ...message, traceparent: GIVEN, tracestate: 'given=1' }, ACTIVE)).toEqual({
      traceparent: GIVEN,
      tracestate: 'given=1',
    });
  });

  it('sends no trace context for traceparent: null, whatever is active, its tracestate included', () => {
    expect(traceOf({ ...message, traceparent: null }, ACTIVE)).toEqual({
      traceparent: null,
      tracestate: null,
    });
    expect(traceOf({ ...message, traceparent: null, tracestate: 'given=1' }, ACTIVE)).toEqual({
      traceparent: null,
      tracestate: null,
    });
    expect(traceOf({ ...message, traceparent: null, tracestate: 'given=1' }, null)).toEqual({
      traceparent: null,
      tracestate: null,
    });
  });

  it('drops a tracestate that would travel without a traceparent (none given, none active)', () => {
    expect(traceOf({ ...message, tracestate: 'given=1' }, null)).toEqual({
      traceparent: null,
      tracestate: null,
    });
  });

  it("lets the message's tracestate win over the active one, null included", () => {
    expect(traceOf({ ...message, tracestate: 'given=1' }, ACTIVE)).toEqual({
      traceparent: ACTIVE.traceparent,
      tracestate: 'given=1',
    });
    expect(traceOf({ ...message, tracestate: null }, ACTIVE)).toEqual({
      traceparent: ACTIVE.traceparent,
      tracestate: null,
    });
  });

  it('still refuses a malformed traceparent given on the message', () => {
    expect(() => toOutboxRow({ ...message, traceparent: 'garbage' }, options, ACTIVE)).toThrow(
      InvalidMessageError,
    );
  });
});

describe('toOutboxRow: NUL characters (PostgreSQL cannot store them)', () => {
  const refusal = (m: OutgoingMessage): InvalidMessageError => {
    try {
      toOutboxRow(m, options);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidMessageError);
      return error as InvalidMessageError;
    }
    throw new Error('expected the message to be refused');
  };

  it.each<[string, OutgoingMessage, string]>([
    ['a payload string', { ...message, payload: { customerId: 'c\u0000' } }, 'payload.customerId'],
    [
      'a nested payload string',
      { ...message, payload: { lines: [{ sku: 'ok' }, { sku: '\u0000' }] } },
      'payload.lines[1].sku',
    ],
    ['a payload key', { ...message, payload: { 'a\u0000': 1 } }, 'payload["a\\u0000"]'],
    ['a payload that is a string', { ...message, payload: 'x\u0000' }, 'payload'],
    ['the key', { ...message, key: 'order\u00001' }, 'key'],
    ['the correlation id', { ...message, correlationId: 'c\u0000' }, 'correlationId'],
    ['the causation id', { ...message, causationId: 'c\u0000' }, 'causationId'],
    ['the tracestate', { ...message, traceparent: GIVEN, tracestate: 'a=\u0000' }, 'tracestate'],
    ['a header value', { ...message, headers: { tenant: 't\u0000' } }, 'headers.tenant'],
    ['a header name', { ...message, headers: { 'ten\u0000ant': 't' } }, 'headers.ten\\u0000ant'],
  ])('refuses one in %s, naming the field', (_where, m, field) => {
    const error = refusal(m);
    expect(error.field).toBe(field);
    expect(error.message).toContain('contains a NUL character (U+0000)');
  });

  it('keeps a payload whose text only looks like one: an escaped backslash, then "u0000"', () => {
    expect(toOutboxRow({ ...message, payload: { path: 'C:\\u0000' } }, options).body).toBe(
      '{"path":"C:\\\\u0000"}',
    );
  });
});

describe('toOutboxRow: schedule', () => {
  it('carries deliverAt or delayMs to the row, and null for neither', () => {
    const at = new Date(Date.now() + 60_000);
    expect(toOutboxRow({ ...message, deliverAt: at }, options)).toMatchObject({
      deliverAt: at,
      delayMs: null,
    });
    expect(toOutboxRow({ ...message, delayMs: 5_000 }, options)).toMatchObject({
      deliverAt: null,
      delayMs: 5_000,
    });
    expect(toOutboxRow(message, options)).toMatchObject({ deliverAt: null, delayMs: null });
  });

  it('refuses a bad schedule before anything is encoded, naming the field', () => {
    expect(() => toOutboxRow({ ...message, delayMs: -1 }, options)).toThrow(
      expect.objectContaining({ field: 'delayMs' }),
    );
    expect(() => toOutboxRow({ ...message, deliverAt: new Date(), delayMs: 0 }, options)).toThrow(
      expect.objectContaining({ field: 'deliverAt' }),
    );
  });
});
