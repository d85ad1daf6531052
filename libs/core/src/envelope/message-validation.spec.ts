import { InvalidMessageError } from '../errors/invalid-message.error';
import {
  assertName,
  assertOptionalText,
  assertPayloadWithoutNul,
  assertTraceparent,
  assertUserHeaders,
} from './message-validation';

function refused(fn: () => void): InvalidMessageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return error as InvalidMessageError;
  }
  throw new Error('expected InvalidMessageError');
}

describe('assertName', () => {
  it.each(['orders', 'order_created', 'Orders.v2', 'billing:invoice-paid', '9lives', 'a'.repeat(200)])(
    'accepts %j',
    (name) => {
      expect(() => assertName('type', name)).not.toThrow();
    },
  );

  it.each<[string, unknown]>([
    ['empty', ''],
    ['a leading dot', '.orders'],
    ['a leading hyphen', '-orders'],
    ['a space', 'order created'],
    ['a slash', 'orders/created'],
    ['a wildcard', 'orders.*'],
    ['201 characters', 'a'.repeat(201)],
    ['a number', 42],
    ['null', null],
  ])('rejects %s, naming the field', (_label, value) => {
    const error = refused(() => assertName('destination', value));
    expect(error).toMatchObject({ field: 'destination', code: 'COURIER_INVALID_MESSAGE' });
    expect(error.message).toMatch(/^Message destination must be/);
  });

  it('truncates long values in the message', () => {
    expect(refused(() => assertName('type', 'x'.repeat(300))).message).not.toContain('x'.repeat(61));
  });
});

describe('assertOptionalText', () => {
  it.each([undefined, null, 'k', 'x'.repeat(255)])('accepts %j', (value) => {
    expect(() => assertOptionalText('key', value)).not.toThrow();
  });

  it.each<[string, unknown]>([
    ['empty', ''],
    ['over the default max of 255', 'x'.repeat(256)],
    ['a number', 7],
    ['an object', {}],
  ])('rejects %s', (_label, value) => {
    expect(refused(() => assertOptionalText('correlationId', value)).field).toBe('correlationId');
  });

  it('refuses a NUL character, naming the field', () => {
    const error = refused(() => assertOptionalText('key', 'order\u000042'));
    expect(error.field).toBe('key');
    expect(error.message).toBe(
      'Message key contains a NUL character (U+0000), which PostgreSQL cannot store in text or jsonb; ' +
        'remove it, or encode binary data (e.g. as base64).',
    );
  });

  it('honours a custom max', () => {
    expect(() => assertOptionalText('key', 'abc', 3)).not.toThrow();
    expect(refused(() => assertOptionalText('key', 'abcd', 3)).message).toContain('at most 3 characters');
  });
});

describe('assertTraceparent', () => {
  it.each([undefined, null, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'])(
    'accepts %j',
    (value) => {
      expect(() => assertTraceparent(value)).not.toThrow();
    },
  );

  it.each<unknown>(['', 'not-a-trace', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', 123])(
    'rejects %j',
    (value) => {
      expect(refused(() => assertTraceparent(value)).field).toBe('traceparent');
    },
  );
});

describe('assertUserHeaders', () => {
  it.each([undefined, null, {}, { 'x-tenant-id': 't1', empty: '' }, { big: 'v'.repeat(4096) }])(
    'accepts %j',
    (headers) => {
      expect(() => assertUserHeaders(headers)).not.toThrow();
    },
  );

  it.each<unknown>(['a=b', 42, ['x-tenant-id', 't1']])('rejects non-object headers %j', (headers) => {
    expect(refused(() => assertUserHeaders(headers)).field).toBe('headers');
  });

  it.each([
    'x-correlation-id',
    'X-Causation-Id',
    'TraceParent',
    'tracestate',
    'x-courier-key',
    'X-COURIER-custom',
  ])('refuses the reserved header %s', (name) => {
    const error = refused(() => assertUserHeaders({ ok: 'fine', [name]: 'forged' }));
    expect(error.field).toBe(`headers.${name}`);
    expect(error.message).toContain('reserved by Courier');
  });

  it.each<[string, unknown]>([
    ['a number', 1],
    ['a boolean', true],
    ['null', null],
    ['an object', { nested: 'x' }],
    ['over 4096 characters', 'v'.repeat(4097)],
  ])('refuses a header value that is %s', (_label, value) => {
    const error = refused(() => assertUserHeaders({ 'x-tenant-id': value }));
    expect(error.field).toBe('headers.x-tenant-id');
    expect(error.message).toContain('must be a string of at most 4096 characters');
  });

  it.each([
    [{ 'x-tenant-id': 't\u00001' }, 'headers.x-tenant-id'],
    [{ 'x-a\u0000b': 'v' }, 'headers.x-a\\u0000b'],
  ])('refuses a NUL character in a header name or value (%j), naming it: %s', (headers, field) => {
    const error = refused(() => assertUserHeaders(headers));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/contains a NUL character \(U\+0000\)/);
  });
});

describe('assertPayloadWithoutNul', () => {
  it('refuses an encoded payload with a NUL in a string or key, naming where', () => {
    const error = refused(() => assertPayloadWithoutNul(JSON.stringify({ lines: [{ sku: 'a\u0000' }] })));
    expect(error.field).toBe('payload.lines[0].sku');
    expect(error.message).toMatch(/^Message payload\.lines\[0\]\.sku contains a NUL character/);
  });

  it('accepts text whose backslashes only look like one', () => {
    expect(() => assertPayloadWithoutNul(JSON.stringify({ path: 'C:\\u0000' }))).not.toThrow();
  });
});
