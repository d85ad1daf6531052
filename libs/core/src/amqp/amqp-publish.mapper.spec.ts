import type { OutboxDelivery } from '../ports/outbox-publisher.port';
import { toAmqpPublish } from './amqp-publish.mapper';

function delivery(overrides: Partial<OutboxDelivery> = {}): OutboxDelivery {
  return {
    id: '0190a5e2-7c3b-7d4e-8f00-000000000001',
    destination: 'order_events',
    type: 'order_created',
    key: null,
    body: '{"orderId":"o-1","total":12.5}',
    correlationId: 'corr-1',
    causationId: null,
    traceparent: null,
    tracestate: null,
    headers: {},
    occurredAt: new Date('2024-05-06T07:08:09.123Z'),
    source: 'orders-service',
    ...overrides,
  };
}

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('toAmqpPublish', () => {
  it('publishes to the destination exchange with the type as routing key', () => {
    const { exchange, routingKey } = toAmqpPublish(
      delivery({ destination: 'billing', type: 'invoice.paid' }),
    );
    expect(exchange).toBe('billing');
    expect(routingKey).toBe('invoice.paid');
  });

  it('sends the encoded body as UTF-8 bytes, unchanged', () => {
    const body = '{"name":"zoë €","n":1}';
    const { content } = toAmqpPublish(delivery({ body }));
    expect(Buffer.isBuffer(content)).toBe(true);
    expect(content.equals(Buffer.from(body, 'utf8'))).toBe(true);
    expect(content.length).toBe(Buffer.byteLength(body, 'utf8'));
  });

  it('is persistent, mandatory and application/json', () => {
    const { options } = toAmqpPublish(delivery());
    expect(options.persistent).toBe(true);
    expect(options.mandatory).toBe(true);
    expect(options.contentType).toBe('application/json');
    expect(options.contentEncoding).toBe('utf-8');
  });

  it('carries id, type, source and correlation id in AMQP properties', () => {
    const { options } = toAmqpPublish(
      delivery({ id: 'm-42', type: 'order_shipped', source: 'shipping', correlationId: 'c-42' }),
    );
    expect(options).toMatchObject({
      messageId: 'm-42',
      type: 'order_shipped',
      appId: 'shipping',
      correlationId: 'c-42',
    });
  });

  it('sets the AMQP timestamp in whole seconds, rounded down', () => {
    const { options } = toAmqpPublish(delivery({ occurredAt: new Date('2024-05-06T07:08:09.999Z') }));
    expect(options.timestamp).toBe(Date.UTC(2024, 4, 6, 7, 8, 9) / 1000);
    expect(Number.isInteger(options.timestamp)).toBe(true);
  });

  it('keeps the milliseconds in x-courier-occurred-at as ISO 8601', () => {
    const { options } = toAmqpPublish(delivery({ occurredAt: new Date('2024-05-06T07:08:09.123Z') }));
    expect(options.headers?.['x-courier-occurred-at']).toBe('2024-05-06T07:08:09.123Z');
  });

  it('keeps user headers', () => {
    const { options } = toAmqpPublish(delivery({ headers: { 'x-tenant-id': 't-7', locale: 'fr-FR' } }));
    expect(options.headers).toMatchObject({ 'x-tenant-id': 't-7', locale: 'fr-FR' });
  });

  it('does not mutate the delivery headers object', () => {
    const headers = { 'x-tenant-id': 't-7' };
    toAmqpPublish(delivery({ headers, causationId: 'cause-1', key: 'k' }));
    expect(headers).toEqual({ 'x-tenant-id': 't-7' });
  });

  it('adds causation, trace context and key headers when they are set', () => {
    const { options } = toAmqpPublish(
      delivery({
        causationId: 'cause-1',
        traceparent: TRACEPARENT,
        tracestate: 'vendor=abc',
        key: 'order-1',
      }),
    );
    expect(options.headers).toMatchObject({
      'x-causation-id': 'cause-1',
      traceparent: TRACEPARENT,
      tracestate: 'vendor=abc',
      'x-courier-key': 'order-1',
    });
  });

  it('leaves out causation, trace context and key headers when they are not set', () => {
    const { options } = toAmqpPublish(delivery());
    expect(options.headers).toEqual({ 'x-courier-occurred-at': '2024-05-06T07:08:09.123Z' });
    for (const name of ['x-causation-id', 'traceparent', 'tracestate', 'x-courier-key']) {
      expect(options.headers).not.toHaveProperty(name);
    }
  });

  it('sends no tracestate without a traceparent: no trace context at all', () => {
    for (const traceparent of [null, '']) {
      const { options } = toAmqpPublish(delivery({ traceparent, tracestate: 'vendor=abc' }));
      expect(options.headers).not.toHaveProperty('traceparent');
      expect(options.headers).not.toHaveProperty('tracestate');
    }
  });

  it('treats empty strings as not set', () => {
    const { options } = toAmqpPublish(
      delivery({ causationId: '', traceparent: '', tracestate: '', key: '' }),
    );
    expect(Object.keys(options.headers ?? {})).toEqual(['x-courier-occurred-at']);
  });

  it("lets Courier's headers win over a same-named user header that slipped through", () => {
    const { options } = toAmqpPublish(
      delivery({
        causationId: 'real-cause',
        traceparent: TRACEPARENT,
        tracestate: 'real=state',
        key: 'real-key',
        headers: {
          'x-causation-id': 'forged-cause',
          traceparent: '00-00000000000000000000000000000001-0000000000000001-00',
          tracestate: 'forged=state',
          'x-courier-key': 'forged-key',
          'x-courier-occurred-at': '1999-01-01T00:00:00.000Z',
          'x-tenant-id': 't-1',
        },
      }),
    );
    expect(options.headers).toEqual({
      'x-causation-id': 'real-cause',
      traceparent: TRACEPARENT,
      tracestate: 'real=state',
      'x-courier-key': 'real-key',
      'x-courier-occurred-at': '2024-05-06T07:08:09.123Z',
      'x-tenant-id': 't-1',
    });
  });
});
