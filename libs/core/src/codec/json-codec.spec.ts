import { MalformedJsonError } from '../errors/malformed-json.error';
import { PayloadTooLargeError } from '../errors/payload-too-large.error';
import { UnsafeJsonError } from '../errors/unsafe-json.error';
import { DEFAULT_MAX_PAYLOAD_BYTES, JsonCodec } from './json-codec';

/** Runs `fn`, expects it to throw an instance of `type`, returns the error for further checks. */
function caught<E extends Error>(fn: () => unknown, type: new (...args: never[]) => E): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected ${type.name} to be thrown`);
}

describe('JsonCodec', () => {
  const codec = new JsonCodec();

  it('round-trips plain JSON values, with a 1 MiB default limit', () => {
    const value = { id: 'a1', n: -1.5, ok: true, none: null, list: [1, 'two', { x: 3 }], t: 'é€' };
    expect(codec.decode(codec.encode(value))).toEqual(value);
    expect(codec.maxBytes).toBe(DEFAULT_MAX_PAYLOAD_BYTES);
    expect(DEFAULT_MAX_PAYLOAD_BYTES).toBe(1024 * 1024);
  });

  it('decodes a Buffer as UTF-8', () => {
    expect(codec.decode(Buffer.from('{"name":"zoë €"}', 'utf8'))).toEqual({ name: 'zoë €' });
  });

  describe('decode refuses prototype pollution', () => {
    it.each([
      ['__proto__', '{"__proto__":{"x":1}}'],
      ['nested __proto__', '{"a":[{"__proto__":{"x":1}}]}'],
      ['unicode-escaped __proto__', '{"\\u005f_proto__":{"x":1}}'],
      ['constructor.prototype', '{"constructor":{"prototype":{"x":1}}}'],
    ])('%s -> UnsafeJsonError, Object.prototype untouched', (_label, text) => {
      const error = caught(() => codec.decode(text), UnsafeJsonError);
      expect(error.code).toBe('COURIER_UNSAFE_JSON');
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('x');
    });

    it('accepts a "constructor" key without "prototype"', () => {
      expect(codec.decode('{"constructor":{"name":"x"}}')).toEqual({ constructor: { name: 'x' } });
    });
  });

  // 'prototype property' once came back as UnsafeJsonError: V8 quotes the input in its message.
  describe('decode of malformed input', () => {
    it.each(['{"a":', 'not json', '', "{'a':1}", 'prototype property'])(
      '%j -> MalformedJsonError',
      (text) => {
        const error = caught(() => codec.decode(text), MalformedJsonError);
        expect(error.message).toMatch(/^Body is not valid JSON: /);
      },
    );
  });

  describe('encode refuses an own __proto__ key', () => {
    it('built with JSON.parse', () => {
      caught(() => codec.encode({ wrapper: JSON.parse('{"__proto__":{"x":1}}') }), UnsafeJsonError);
    });

    it('built with Object.defineProperty', () => {
      const value = Object.defineProperty({}, '__proto__', { value: { x: 1 }, enumerable: true });
      caught(() => codec.encode(value), UnsafeJsonError);
    });

    it('constructor.prototype', () => {
      caught(() => codec.encode({ constructor: { prototype: { x: 1 } } }), UnsafeJsonError);
    });
  });

  describe('encode refuses values JSON would change', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.loop = cyclic;
    it.each<[string, unknown, RegExp]>([
      ['a BigInt', { order: { total: 10n } }, /at total: BigInt/],
      ['a function', { onDone: () => undefined }, /at onDone: a function/],
      ['a symbol', { tag: Symbol('t') }, /at tag: a symbol/],
      ['NaN', { price: NaN }, /at price: NaN would silently become null/],
      ['Infinity', { ratio: -Infinity }, /at ratio: -Infinity would silently become null/],
      ['an array item', { items: [1, NaN] }, /at 1: NaN/],
      ['a cycle', cyclic, /circular structure[\s\S]*property 'loop'/],
      [
        'undefined in an array',
        { items: [1, undefined] },
        /at 1: undefined in an array would silently become null/,
      ],
      ['a Map', { byId: new Map([['a', 1]]) }, /at byId: a Map would silently become \{\}/],
      ['a Set', { tags: new Set(['x']) }, /at tags: a Set would silently become \{\}/],
    ])('%s -> MalformedJsonError naming the key', (_label, value, message) => {
      expect(caught(() => codec.encode(value), MalformedJsonError).message).toMatch(message);
    });

    it('drops an undefined object property, as an absent optional field', () => {
      expect(codec.encode({ a: 1, note: undefined })).toBe('{"a":1}');
    });

    it.each<[string, unknown]>([
      ['undefined', undefined],
      ['a function', () => 1],
      ['a BigInt', 1n],
    ])('top-level %s -> MalformedJsonError at (root)', (_label, value) => {
      expect(caught(() => codec.encode(value), MalformedJsonError).message).toMatch(/at \(root\)/);
    });
  });

  describe('decodeWithText', () => {
    it('returns the value and the text as received, whitespace and all', () => {
      const text = ' { "name" : "zoë",\n "n": 1e3 } ';
      expect(codec.decodeWithText(Buffer.from(text, 'utf8'))).toEqual({
        value: { name: 'zoë', n: 1000 },
        text,
      });
    });

    it('refuses what decode refuses', () => {
      caught(() => codec.decodeWithText(Buffer.from('{"__proto__":{"x":1}}')), UnsafeJsonError);
      caught(() => codec.decodeWithText(Buffer.from('{"a":')), MalformedJsonError);
      caught(() => new JsonCodec(4).decodeWithText(Buffer.from('"€€"')), PayloadTooLargeError);
    });

    it.each([
      ['an exponent past the double range', '{"big":-1e400}', /at big: -Infinity/],
      ['309 digits past the double range', `[${'9'.repeat(309)}]`, /at 0: Infinity/],
    ])('refuses %s, whose text the value would not stand for', (_label, text, message) => {
      expect(caught(() => codec.decodeWithText(Buffer.from(text)), MalformedJsonError).message).toMatch(
        message,
      );
    });

    it('measures the text as received, not as it would encode again', () => {
      const small = new JsonCodec(7);
      // 7 bytes as received; "[1e+300]", 8, encoded again (which the exponent makes it check)
      expect(small.decodeWithText(Buffer.from('[1e300]'))).toEqual({ value: [1e300], text: '[1e300]' });
    });

    it('accepts the largest double and numbers that underflow to 0', () => {
      const text = '[1.7976931348623157e308, 1e-400]';
      expect(codec.decodeWithText(Buffer.from(text)).value).toEqual([Number.MAX_VALUE, 0]);
    });
  });

  describe('size limit', () => {
    const small = new JsonCodec(10);

    it('allows exactly the limit and refuses one byte more on encode', () => {
      expect(small.encode('12345678')).toBe('"12345678"'); // 10 bytes
      const error = caught(() => small.encode('123456789'), PayloadTooLargeError);
      expect({ size: error.sizeBytes, limit: error.limitBytes }).toEqual({ size: 11, limit: 10 });
    });

    it('counts multibyte UTF-8 in bytes, not characters', () => {
      // "€€€€" is 4 characters but 12 bytes; with quotes, 14 bytes.
      expect(caught(() => small.encode('€€€€'), PayloadTooLargeError).sizeBytes).toBe(14);
      expect(caught(() => small.decode('"€€€€"'), PayloadTooLargeError).sizeBytes).toBe(14);
      expect(caught(() => small.decode(Buffer.from('"€€€€"')), PayloadTooLargeError).sizeBytes).toBe(14);
    });

    it('refuses oversized input on decode before parsing it', () => {
      const error = caught(() => small.decode('{"a":"xxxxxxxx"'), PayloadTooLargeError);
      expect(error).toMatchObject({ sizeBytes: 15, limitBytes: 10, code: 'COURIER_PAYLOAD_TOO_LARGE' });
      expect(small.decode('[1,2,3,45]')).toEqual([1, 2, 3, 45]);
    });
  });
});
