import { InvalidMessageError } from '../errors/invalid-message.error';
import { hasNulCharacter, nulCharacterPathInJson, nulCharacterProblem } from './nul-character';
import { isReservedHeader } from './wire-headers';
import { isValidTraceparent } from './trace-context';

// Destinations become exchange names, types become routing keys: keep them to a
// conservative alphabet that is safe in both and in metric labels.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;
const MAX_HEADER_VALUE = 4096;

export function assertName(field: 'destination' | 'type', value: unknown): asserts value is string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new InvalidMessageError(
      field,
      `Message ${field} must be 1-200 characters of letters, digits, "_", ".", ":" or "-", ` +
        `starting with a letter or digit; got ${describe(value)}.`,
    );
  }
}

export function assertOptionalText(field: string, value: unknown, max = 255): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new InvalidMessageError(
      field,
      `Message ${field} must be a non-empty string of at most ${max} characters; got ${describe(value)}.`,
    );
  }
  assertNoNulCharacter(field, value);
}

/** Refuses text PostgreSQL cannot store (see nul-character.ts), naming the field. */
export function assertNoNulCharacter(field: string, value: string): void {
  if (hasNulCharacter(value)) throw new InvalidMessageError(field, `Message ${nulCharacterProblem(field)}.`);
}

/**
 * Refuses an encoded payload with a NUL in any string or key, naming where it is
 * (`payload.lines[0].sku`). `value` is what the text was decoded from, when at hand.
 */
export function assertPayloadWithoutNul(text: string, value?: unknown): void {
  const path = nulCharacterPathInJson(text, 'payload', value);
  if (path) throw new InvalidMessageError(path, `Message ${nulCharacterProblem(path)}.`);
}

export function assertTraceparent(value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !isValidTraceparent(value)) {
    throw new InvalidMessageError(
      'traceparent',
      `Message traceparent must be a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>); got ${describe(value)}.`,
    );
  }
}

export function assertUserHeaders(headers: unknown): void {
  if (headers === undefined || headers === null) return;
  const prototype = typeof headers === 'object' ? Object.getPrototypeOf(headers) : undefined;
  if (typeof headers !== 'object' || (prototype !== Object.prototype && prototype !== null)) {
    throw new InvalidMessageError(
      'headers',
      `Message headers must be an object of string values; got ${describe(headers)}.`,
    );
  }
  for (const [name, value] of Object.entries(headers)) {
    if (isReservedHeader(name)) {
      throw new InvalidMessageError(
        `headers.${name}`,
        `Header "${name}" is reserved by Courier; set correlationId, causationId, traceparent or tracestate ` +
          `on the message itself, and do not use the "x-courier-" prefix.`,
      );
    }
    if (typeof value !== 'string' || value.length > MAX_HEADER_VALUE) {
      throw new InvalidMessageError(
        `headers.${name}`,
        `Header "${name}" must be a string of at most ${MAX_HEADER_VALUE} characters; got ${describe(value)}.`,
      );
    }
    assertHeaderWithoutNul(name, value);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return value === null ? 'null' : typeof value;
}

/** A header name or value with a NUL, refused; a NUL in the name is shown escaped (`\u0000`). */
export function assertHeaderWithoutNul(name: string, value: string): void {
  if (hasNulCharacter(name) || hasNulCharacter(value)) {
    const field = `headers.${JSON.stringify(name).slice(1, -1)}`;
    throw new InvalidMessageError(field, `Message ${nulCharacterProblem(field)}.`);
  }
}
