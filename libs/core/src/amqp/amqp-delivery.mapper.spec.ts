import type { ConsumeMessage, ConsumeMessageFields, MessageProperties } from 'amqplib';
import { JsonCodec } from '../codec/json-codec';
import type { IncomingMessage } from '../ports/inbox-feed.port';
import { incomingFromDelivery, type InboundDelivery } from './amqp-delivery.mapper';

const codec = new JsonCodec();

/** A delivery as amqplib hands it to a consumer: only what the mapper reads is meaningful. */
function delivery(
  options: {
    properties?: Partial<MessageProperties>;
    fields?: Partial<ConsumeMessageFields>;
    body?: string | Buffer;
  } = {},
): ConsumeMessage {
  const body = options.body ?? '{"orderId":"o-1","total":12.5}';
  return {
    content: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    fields: {
      deliveryTag: 1,
      redelivered: false,
      exchange: 'order_events',
      routingKey: 'order_created',
      consumerTag: 'amq.ctag-test',
      ...options.fields,
    },
    properties: {
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      headers: {},
      deliveryMode: 2,
      priority: undefined,
      correlationId: undefined,
      replyTo: undefined,
      expiration: undefined,
      messageId: 'm-1',
      timestamp: undefined,
      type: undefined,
      userId: undefined,
      appId: undefined,
      clusterId: undefined,
      ...options.properties,
    },
  };
}

function accepted(result: InboundDelivery): IncomingMessage {
  if (!result.ok) throw new Error(`expected the delivery to be accepted, was refused: ${result.reason}`);
  return result.message;
}

function refused(result: InboundDelivery): string {
  if (result.ok) throw new Error(`expected the delivery to be refused, was accepted: ${result.message.id}`);
  return result.reason;
}

describe('incomingFromDelivery', () => {
  describe('a valid delivery', () => {
    it('becomes an IncomingMessage with the id, the given event type and the decoded payload', () => {
      const message = accepted(
        incomingFromDelivery(delivery({ properties: { messageId: 'm-7' } }), 'order_events', codec),
      );
      expect(message.id).toBe('m-7');
      expect(message.eventType).toBe('order_events');
      expect(message.payload).toEqual({ orderId: 'o-1', total: 12.5 });
    });

    it("carries the body's text as received, ready to store", () => {
      const message = accepted(
        incomingFromDelivery(delivery({ body: ' { "b" : [1, 2],\n "a" : "é" } ' }), 'order_events', codec),
      );
      expect(message.encodedPayload).toBe(' { "b" : [1, 2],\n "a" : "é" } ');
      expect(message.payload).toEqual({ b: [1, 2], a: 'é' });
    });

    it('accepts large finite numbers and exponent-like strings', () => {
      const body = '{"max":1.7976931348623157e308,"tiny":1e-400,"code":"E123"}';
      const message = accepted(incomingFromDelivery(delivery({ body }), 'order_events', codec));
      expect(message.payload).toEqual({ max: Number.MAX_VALUE, tiny: 0, code: 'E123' });
      expect(message.encodedPayload).toBe(body);
    });

    it('takes the type from the AMQP type property', () => {
      const message = accepted(
        incomingFromDelivery(
          delivery({ properties: { type: 'order_shipped' }, fields: { routingKey: 'order_created' } }),
          'order_events',
          codec,
        ),
      );
      expect(message.type).toBe('order_shipped');
    });

    it('falls back to the routing key when there is no type property', () => {
      const message = accepted(
        incomingFromDelivery(delivery({ fields: { routingKey: 'order_cancelled' } }), 'order_events', codec),
      );
      expect(message.type).toBe('order_cancelled');
    });

    it('accepts an id of exactly 255 characters', () => {
      const id = 'x'.repeat(255);
      expect(accepted(incomingFromDelivery(delivery({ properties: { messageId: id } }), 'e', codec)).id).toBe(
        id,
      );
    });
  });

  describe('headers', () => {
    it('keeps strings, stringifies numbers and booleans, drops objects', () => {
      const message = accepted(
        incomingFromDelivery(
          delivery({
            properties: {
              headers: {
                'x-tenant-id': 't-1',
                'x-retries': 3,
                'x-ratio': 0.5,
                'x-flag': true,
                'x-off': false,
                'x-when': { '!': 'timestamp', value: 1_700_000_000 },
                'x-bytes': Buffer.from('abc'),
                'x-list': ['a', 'b'],
                'x-null': null,
              },
            },
          }),
          'order_events',
          codec,
        ),
      );
      expect(message.headers).toEqual({
        'x-tenant-id': 't-1',
        'x-retries': '3',
        'x-ratio': '0.5',
        'x-flag': 'true',
        'x-off': 'false',
      });
    });

    it('adds x-correlation-id from correlationId and x-courier-source from appId', () => {
      const message = accepted(
        incomingFromDelivery(
          delivery({ properties: { correlationId: 'corr-9', appId: 'orders-service' } }),
          'order_events',
          codec,
        ),
      );
      expect(message.headers).toEqual({ 'x-correlation-id': 'corr-9', 'x-courier-source': 'orders-service' });
    });

    it('has no correlation or source header when the properties are absent', () => {
      const message = accepted(incomingFromDelivery(delivery(), 'order_events', codec));
      expect(message.headers).toEqual({});
    });

    it('prefers the AMQP properties over same-named headers', () => {
      const message = accepted(
        incomingFromDelivery(
          delivery({
            properties: {
              correlationId: 'from-property',
              appId: 'real-app',
              headers: { 'x-correlation-id': 'from-header', 'x-courier-source': 'forged-app' },
            },
          }),
          'order_events',
          codec,
        ),
      );
      expect(message.headers).toMatchObject({
        'x-correlation-id': 'from-property',
        'x-courier-source': 'real-app',
      });
    });

    it('copes with a delivery that has no headers table at all', () => {
      const message = accepted(
        incomingFromDelivery(
          delivery({ properties: { headers: undefined, appId: 'a' } }),
          'order_events',
          codec,
        ),
      );
      expect(message.headers).toEqual({ 'x-courier-source': 'a' });
    });
  });

  describe('occurredAt', () => {
    it('comes from x-courier-occurred-at, with milliseconds', () => {
      const message = accepted(
        incomingFromDelivery(
          delivery({
            properties: {
              headers: { 'x-courier-occurred-at': '2024-05-06T07:08:09.123Z' },
              timestamp: 1_600_000_000,
            },
          }),
          'order_events',
          codec,
        ),
      );
      expect(message.occurredAt).toEqual(new Date('2024-05-06T07:08:09.123Z'));
    });

    it('else from the AMQP timestamp, seconds times 1000', () => {
      const message = accepted(
        incomingFromDelivery(delivery({ properties: { timestamp: 1_700_000_000 } }), 'order_events', codec),
      );
      expect(message.occurredAt).toEqual(new Date(1_700_000_000_000));
    });

    it('falls back to the timestamp when the header is not a date', () => {
      const message = accepted(
        incomingFromDelivery(
          delivery({
            properties: { headers: { 'x-courier-occurred-at': 'yesterday-ish' }, timestamp: 1_700_000_000 },
          }),
          'order_events',
          codec,
        ),
      );
      expect(message.occurredAt).toEqual(new Date(1_700_000_000_000));
    });

    it('else null', () => {
      expect(accepted(incomingFromDelivery(delivery(), 'order_events', codec)).occurredAt).toBeNull();
    });

    // Any uint64 is a valid AMQP timestamp; an invalid or out-of-range Date would make
    // the whole batch's insert fail (and be requeued again and again), so it reads as unknown.
    it.each([
      ['a timestamp beyond what a Date can hold', { timestamp: 2 ** 63 }],
      ['a timestamp after year 9999', { timestamp: 253_402_300_800 }],
      ['a header in year 10000', { headers: { 'x-courier-occurred-at': '+010000-01-01T00:00:00.000Z' } }],
      ['a header in year 0', { headers: { 'x-courier-occurred-at': '0000-06-01T00:00:00.000Z' } }],
      ['a negative-year header', { headers: { 'x-courier-occurred-at': '-000100-01-01T00:00:00.000Z' } }],
    ])('is null for %s', (_label, properties: Partial<MessageProperties>) => {
      const message = accepted(incomingFromDelivery(delivery({ properties }), 'order_events', codec));
      expect(message.occurredAt).toBeNull();
    });

    it('accepts the first and last instants PostgreSQL can read back in ISO form', () => {
      const first = '0001-01-01T00:00:00.000Z';
      const last = '9999-12-31T23:59:59.999Z';
      for (const value of [first, last]) {
        const message = accepted(
          incomingFromDelivery(
            delivery({ properties: { headers: { 'x-courier-occurred-at': value } } }),
            'order_events',
            codec,
          ),
        );
        expect(message.occurredAt?.toISOString()).toBe(value);
      }
    });

    it('falls back to the timestamp when the header is out of range', () => {
      const message = accepted(
        incomingFromDelivery(
          delivery({
            properties: {
              headers: { 'x-courier-occurred-at': '+010000-01-01T00:00:00.000Z' },
              timestamp: 1_700_000_000,
            },
          }),
          'order_events',
          codec,
        ),
      );
      expect(message.occurredAt).toEqual(new Date(1_700_000_000_000));
    });
  });

  describe('refusals', () => {
    it.each<[string, unknown]>([
      ['no messageId', undefined],
      ['an empty messageId', ''],
      ['a messageId over 255 characters', 'x'.repeat(256)],
      ['a non-string messageId', 42],
    ])('refuses %s', (_label, messageId) => {
      expect(
        refused(incomingFromDelivery(delivery({ properties: { messageId } }), 'order_events', codec)),
      ).toBe('no usable message id (AMQP messageId must be a string of 1-255 characters)');
    });

    it.each(['{"a":', 'not json', ''])('refuses the malformed body %j', (body) => {
      expect(refused(incomingFromDelivery(delivery({ body }), 'order_events', codec))).toMatch(
        /^Body is not valid JSON: /,
      );
    });

    it('refuses a __proto__ key without polluting prototypes', () => {
      const reason = refused(
        incomingFromDelivery(delivery({ body: '{"__proto__":{"polluted":1}}' }), 'order_events', codec),
      );
      expect(reason).toMatch(/"__proto__"/);
      expect(Object.prototype).not.toHaveProperty('polluted');
    });

    it('refuses a body over the codec limit', () => {
      const small = new JsonCodec(16);
      expect(small.maxBytes).toBe(16);
      const reason = refused(
        incomingFromDelivery(delivery({ body: '{"a":"0123456789"}' }), 'order_events', small),
      );
      expect(reason).toMatch(/Payload is 18 bytes, over the limit of 16 bytes/);
      // Exactly the limit passes.
      expect(
        accepted(incomingFromDelivery(delivery({ body: '{"a":"01234567"}' }), 'e', small)).payload,
      ).toEqual({
        a: '01234567',
      });
    });

    it('refuses 1e400, which parses to Infinity and could not be stored', () => {
      const reason = refused(
        incomingFromDelivery(delivery({ body: '{"big":1e400}' }), 'order_events', codec),
      );
      expect(reason).toMatch(/at big: Infinity would silently become null/);
    });

    it('refuses an integer of 309 digits over the double range, which parses to Infinity too', () => {
      const reason = refused(
        incomingFromDelivery(delivery({ body: `[${'9'.repeat(309)}]` }), 'order_events', codec),
      );
      expect(reason).toMatch(/at 0: Infinity would silently become null/);
    });

    it('refuses a NUL character in the message id', () => {
      expect(
        refused(
          incomingFromDelivery(delivery({ properties: { messageId: 'm\u00001' } }), 'order_events', codec),
        ),
      ).toBe(
        'message id contains a NUL character (U+0000), which PostgreSQL cannot store in text or jsonb; ' +
          'remove it, or encode binary data (e.g. as base64)',
      );
    });

    it('refuses a NUL character in the type property', () => {
      expect(
        refused(
          incomingFromDelivery(
            delivery({ properties: { type: 'order\u0000created' } }),
            'order_events',
            codec,
          ),
        ),
      ).toMatch(/^message type contains a NUL character \(U\+0000\)/);
    });

    it('refuses a NUL character in a routing key that stands in for the type', () => {
      expect(
        refused(
          incomingFromDelivery(
            delivery({ fields: { routingKey: 'order\u0000created' } }),
            'order_events',
            codec,
          ),
        ),
      ).toMatch(/^message type contains a NUL character \(U\+0000\)/);
    });

    it('ignores a NUL in the routing key when the type property is used instead', () => {
      const message = accepted(
        incomingFromDelivery(
          delivery({ properties: { type: 'order_created' }, fields: { routingKey: 'x\u0000y' } }),
          'order_events',
          codec,
        ),
      );
      expect(message.type).toBe('order_created');
    });

    it('refuses a NUL character in a header value, naming the header', () => {
      expect(
        refused(
          incomingFromDelivery(
            delivery({ properties: { headers: { 'x-ok': 'fine', 'x-tenant-id': 't\u00001' } } }),
            'order_events',
            codec,
          ),
        ),
      ).toMatch(/^header "x-tenant-id" contains a NUL character \(U\+0000\)/);
    });

    // Headers are stored as jsonb, which refuses \u0000 anywhere, names included.
    it('refuses a NUL character in a header name', () => {
      expect(
        refused(
          incomingFromDelivery(
            delivery({ properties: { headers: { 'x-a\u0000b': 'v' } } }),
            'order_events',
            codec,
          ),
        ),
      ).toMatch(/NUL character/);
    });

    it.each([
      ['correlationId', 'x-correlation-id'],
      ['appId', 'x-courier-source'],
    ])('refuses a NUL character in %s, naming the header it becomes', (property, header) => {
      expect(
        refused(
          incomingFromDelivery(delivery({ properties: { [property]: 'a\u0000b' } }), 'order_events', codec),
        ),
      ).toMatch(new RegExp(`^header "${header}" contains a NUL character`));
    });

    it.each([
      ['{"customerId":"a\\u0000b"}', 'payload.customerId'],
      ['{"lines":[{"sku":"ok"},{"sku":"\\u0000"}]}', 'payload.lines[1].sku'],
      ['{"a\\u0000b":1}', 'payload["a\\u0000b"]'],
      ['"\\u0000"', 'payload'],
      ['{"odd key":["\\\\\\u0000"]}', 'payload["odd key"][0]'],
    ])('refuses a payload string or key holding an escaped NUL (%s), naming where: %s', (body, path) => {
      expect(refused(incomingFromDelivery(delivery({ body }), 'order_events', codec))).toBe(
        `${path} contains a NUL character (U+0000), which PostgreSQL cannot store in text or jsonb; ` +
          'remove it, or encode binary data (e.g. as base64)',
      );
    });

    it('accepts "\\\\u0000" in a payload string: an escaped backslash, then "u0000", no NUL', () => {
      const message = accepted(
        incomingFromDelivery(delivery({ body: '{"path":"C:\\\\u0000"}' }), 'e', codec),
      );
      expect(message.payload).toEqual({ path: 'C:\\u0000' });
    });
  });
});

describe('incomingFromDelivery without a codec', () => {
  it('decodes with the default limits', () => {
    const result = incomingFromDelivery(delivery({ properties: { messageId: 'm-1' } }), 'order_events');
    expect(accepted(result).payload).toEqual({ orderId: 'o-1', total: 12.5 });
  });
});
