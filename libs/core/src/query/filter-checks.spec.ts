import { InvalidFilterError } from '../errors/invalid-filter.error';
import { FilterChecks } from './filter-checks';
import { SqlParameters } from './sql-parameters';

const WHAT = 'DeadThingFilter';

describe('FilterChecks', () => {
  it('refuses a key it does not know, naming it and the known ones', () => {
    expect(FilterChecks.keys(WHAT, { a: 1 }, ['a', 'b'])).toEqual({ a: 1 });
    expect(FilterChecks.keys(WHAT, undefined, ['a'])).toEqual({});
    expect(() => FilterChecks.keys(WHAT, { error: 'x' }, ['a', 'errorContains'])).toThrow(
      new InvalidFilterError(
        'error',
        'DeadThingFilter has no field "error"; the fields are a, errorContains.',
      ),
    );
    expect(() => FilterChecks.keys(WHAT, 'a=1', ['a'])).toThrow(InvalidFilterError);
  });

  it('takes absent, null and empty text as no condition, and refuses non-strings and NUL', () => {
    expect(FilterChecks.text(WHAT, 'type', undefined)).toBeUndefined();
    expect(FilterChecks.text(WHAT, 'type', null)).toBeUndefined();
    expect(FilterChecks.text(WHAT, 'type', '')).toBeUndefined();
    expect(FilterChecks.text(WHAT, 'type', "o'rder")).toBe("o'rder");
    for (const bad of [1, ['a'], 'a\u0000b', 'x'.repeat(2001)]) {
      expect(() => FilterChecks.text(WHAT, 'type', bad)).toThrow(
        expect.objectContaining({ code: 'COURIER_INVALID_FILTER', field: 'type' }),
      );
    }
  });

  it('takes valid Dates only', () => {
    const date = new Date('2026-01-01T00:00:00Z');
    expect(FilterChecks.date(WHAT, 'deadFrom', date)).toBe(date);
    expect(FilterChecks.date(WHAT, 'deadFrom', undefined)).toBeUndefined();
    for (const bad of [new Date('nope'), '2026-01-01', 0]) {
      expect(() => FilterChecks.date(WHAT, 'deadFrom', bad)).toThrow(/"deadFrom" must be a valid Date/);
    }
  });

  it('takes a limit from 1 to the maximum, with a default', () => {
    expect(FilterChecks.limit(WHAT, undefined, 100, 1000)).toBe(100);
    expect(FilterChecks.limit(WHAT, 1000, 100, 1000)).toBe(1000);
    for (const bad of [0, 1001, 1.5, '10', Number.NaN]) {
      expect(() => FilterChecks.limit(WHAT, bad, 100, 1000)).toThrow(
        /"limit" must be an integer from 1 to 1000/,
      );
    }
  });

  it('takes arrays only for lists of ids', () => {
    expect(FilterChecks.array(WHAT, 'ids', ['a'])).toEqual(['a']);
    expect(() => FilterChecks.array(WHAT, 'ids', 'a')).toThrow(/"ids" must be an array/);
  });
});

describe('SqlParameters', () => {
  it('numbers placeholders in the order values are added, with an optional cast', () => {
    const p = new SqlParameters();
    expect(p.add('a')).toBe('$1');
    expect(p.add(new Date(0), 'timestamptz')).toBe('$2::timestamptz');
    expect(p.values).toEqual(['a', new Date(0)]);
  });
});
