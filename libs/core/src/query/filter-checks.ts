import { CoreMessages } from '../core.messages';
import { InvalidFilterError } from '../errors/invalid-filter.error';

/** Longer than any name or error text stored (names: 255, errors: 2,000 characters). */
const MAX_FILTER_TEXT = 2000;

/**
 * Checks for the filters and page options of operator lists and bulk actions (dead
 * messages), each failing with `InvalidFilterError` naming the field. `what` names the
 * argument in messages (`DeadOutboxFilter`). Absent, null and empty values mean "no
 * condition"; anything else must be usable as it is, so nothing malformed reaches SQL.
 */
export const FilterChecks = {
  /** Refuses keys outside `allowed`: a misspelt field must not widen a bulk action to every row. */
  keys(what: string, filter: unknown, allowed: readonly string[]): Record<string, unknown> {
    if (filter === undefined || filter === null) return {};
    if (typeof filter !== 'object' || Array.isArray(filter)) {
      throw new InvalidFilterError('filter', `${what} must be an object.`);
    }
    for (const key of Object.keys(filter)) {
      if (!allowed.includes(key)) {
        throw new InvalidFilterError(key, CoreMessages.filterUnknownKey(what, key, allowed));
      }
    }
    return filter as Record<string, unknown>;
  },

  /** A name or text to compare with: a string without NUL, or undefined for "no condition". */
  text(what: string, field: string, value: unknown): string | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' || value.length > MAX_FILTER_TEXT || value.includes('\u0000')) {
      throw new InvalidFilterError(field, CoreMessages.filterName(what, field, MAX_FILTER_TEXT));
    }
    return value;
  },

  date(what: string, field: string, value: unknown): Date | undefined {
    if (value === undefined || value === null) return undefined;
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new InvalidFilterError(field, CoreMessages.filterDate(what, field));
    }
    return value;
  },

  limit(what: string, value: unknown, fallback: number, max: number): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
      throw new InvalidFilterError('limit', CoreMessages.filterLimit(what, max, value));
    }
    return value;
  },

  /** A list of ids or pairs: must be an array (its elements are each list's to check). */
  array<T>(what: string, field: string, value: unknown): T[] {
    if (!Array.isArray(value)) throw new InvalidFilterError(field, CoreMessages.filterIds(what, field));
    return value as T[];
  },
};
