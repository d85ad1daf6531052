import { BadRequestException } from '@nestjs/common';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR = /^[A-Za-z0-9_-]{1,512}$/;
export const MAX_SELECTED = 1_000;

/** Rejects any key the endpoint does not know: a misspelt filter must not silently match everything. */
export function onlyKnownKeys(where: string, value: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new BadRequestException(
      `Unknown ${where} ${unknown.map((k) => `"${k}"`).join(', ')}; known: ${known.join(', ')}.`,
    );
  }
}

export function optionalName(field: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new BadRequestException(
      `"${field}" must be a name of 1-200 letters, digits, "_", ".", ":" or "-"; got ${describe(value)}.`,
    );
  }
  return value;
}

export function requiredName(field: string, value: unknown): string {
  const name = optionalName(field, value);
  if (name === undefined) throw new BadRequestException(`"${field}" is required.`);
  return name;
}

export function optionalText(field: string, value: unknown, max = 500): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > max || value.includes('\u0000')) {
    throw new BadRequestException(
      `"${field}" must be text of at most ${max} characters; got ${describe(value)}.`,
    );
  }
  return value;
}

export function optionalDate(field: string, value: unknown): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = typeof value === 'string' && value.length <= 40 ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new BadRequestException(
      `"${field}" must be an ISO 8601 time such as 2026-12-02T15:00:00Z; got ${describe(value)}.`,
    );
  }
  return date;
}

export function integerIn(field: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new BadRequestException(
      `"${field}" must be a whole number from ${min} to ${max}; got ${describe(value)}.`,
    );
  }
  return Number(text);
}

export function optionalCursor(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !CURSOR.test(value)) {
    throw new BadRequestException(
      '"cursor" must be a nextCursor this list returned; start again without one.',
    );
  }
  return value;
}

export function uuid(field: string, value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new BadRequestException(`"${field}" must be a message id (a UUID); got ${describe(value)}.`);
  }
  return value.toLowerCase();
}

/** An inbox message id as a transport gave it: any non-empty text up to 255 characters. */
export function messageId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255 || value.includes('\u0000')) {
    throw new BadRequestException(
      `"${field}" must be a message id of 1-255 characters; got ${describe(value)}.`,
    );
  }
  return value;
}

export function nonEmptyList(field: string, value: unknown): unknown[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_SELECTED) {
    throw new BadRequestException(
      `"${field}" must be a list of 1 to ${MAX_SELECTED} entries; got ${describe(value)}.`,
    );
  }
  return value;
}

export function objectBody(where: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestException(`${where} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

export function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
