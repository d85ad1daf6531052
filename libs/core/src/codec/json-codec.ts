import secureJsonParse from 'secure-json-parse';
import { CoreMessages } from '../core.messages';
import { MalformedJsonError } from '../errors/malformed-json.error';
import { PayloadTooLargeError } from '../errors/payload-too-large.error';
import { UnsafeJsonError } from '../errors/unsafe-json.error';

/** @default 1 MiB */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

// Cheap pre-check: only text that mentions a dangerous key pays for the full scan.
const SUSPICIOUS_KEY = /"(?:__proto__|constructor)"\s*:/;
// Cheap pre-check: a number parses to ±Infinity only with a 3-digit exponent or 309
// digits; only text with either (in a number or not) pays for encoding the value again.
const MAY_OVERFLOW = /[eE][+-]?\d{3}|\d{309}/;

/**
 * JSON for data that crosses a trust boundary. Decoding refuses `__proto__` and
 * `constructor.prototype` keys (secure-json-parse) and oversized input; encoding refuses
 * values JSON would silently change (functions, symbols, BigInt, NaN, Infinity, cycles)
 * and the same dangerous keys, so nothing we write can poison a consumer.
 */
export class JsonCodec {
  constructor(readonly maxBytes: number = DEFAULT_MAX_PAYLOAD_BYTES) {}

  encode(value: unknown): string {
    const text = stringifyStrictly(value);
    this.assertSize(Buffer.byteLength(text, 'utf8'));
    if (SUSPICIOUS_KEY.test(text)) parseSafely(text);
    return text;
  }

  decode<T = unknown>(input: string | Buffer): T {
    this.assertSize(typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length);
    return parseSafely(typeof input === 'string' ? input : input.toString('utf8')) as T;
  }

  /**
   * `decode`, keeping the text it parsed, for callers that store the text as received
   * and hand on the value: refuses a value the text does not stand for once encoded
   * again (`1e400` parses to Infinity, which JSON cannot write), so the two agree.
   */
  decodeWithText<T = unknown>(input: Buffer): { value: T; text: string } {
    this.assertSize(input.length);
    const text = input.toString('utf8');
    const value = parseSafely(text) as T;
    if (MAY_OVERFLOW.test(text)) stringifyStrictly(value);
    return { value, text };
  }

  private assertSize(size: number): void {
    if (size > this.maxBytes) throw new PayloadTooLargeError(size, this.maxBytes);
  }
}

/** JSON.stringify that refuses what it would silently change (see strictReplacer). */
function stringifyStrictly(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, strictReplacer);
  } catch (error) {
    if (error instanceof MalformedJsonError) throw error;
    throw new MalformedJsonError(CoreMessages.notSerializable('', (error as Error).message), {
      cause: error,
    });
  }
  if (text === undefined) {
    throw new MalformedJsonError(CoreMessages.notSerializable('', `a ${typeof value} has no JSON form`));
  }
  return text;
}

function parseSafely(text: string): unknown {
  try {
    return secureJsonParse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    // Exact secure-json-parse text: V8's own SyntaxError quotes the input, which may contain these words.
    if (error instanceof SyntaxError && error.message === 'Object contains forbidden prototype property') {
      throw new UnsafeJsonError({ cause: error });
    }
    throw new MalformedJsonError(CoreMessages.malformedJson((error as Error).message), { cause: error });
  }
}

function strictReplacer(this: unknown, key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'function':
    case 'symbol':
      throw new MalformedJsonError(CoreMessages.notSerializable(key, `a ${typeof value} has no JSON form`));
    case 'bigint':
      throw new MalformedJsonError(
        CoreMessages.notSerializable(key, 'BigInt has no JSON form; send it as a string'),
      );
    case 'number':
      if (!Number.isFinite(value)) {
        throw new MalformedJsonError(
          CoreMessages.notSerializable(key, `${value} would silently become null`),
        );
      }
      return value;
    case 'undefined':
      // Dropped from objects (an absent optional field), but an array would get a null.
      if (Array.isArray(this)) {
        throw new MalformedJsonError(
          CoreMessages.notSerializable(key, 'undefined in an array would silently become null'),
        );
      }
      return value;
    case 'object':
      if (value instanceof Map || value instanceof Set) {
        throw new MalformedJsonError(
          CoreMessages.notSerializable(
            key,
            `a ${value.constructor.name} would silently become {}; convert it to an object or array`,
          ),
        );
      }
      return value;
    default:
      return value;
  }
}
