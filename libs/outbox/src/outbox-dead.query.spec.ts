import { InvalidCursorError, InvalidFilterError } from '@courier-nest/core';
import { encodeKeysetCursor, SqlParameters } from '@courier-nest/core/internal';
import {
  checkDeadOutboxFilter,
  checkDeadOutboxQuery,
  deadOutboxConditions,
  deadOutboxCursor,
  decodeDeadOutboxCursor,
} from './outbox-dead.query';

describe('dead outbox pages: cursors', () => {
  it('round-trips a seq, up to the largest bigint', () => {
    for (const seq of ['1', '123456789', '9223372036854775807']) {
      expect(decodeDeadOutboxCursor(deadOutboxCursor(seq))).toBe(seq);
    }
    expect(deadOutboxCursor('42')).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['a seq of 0', encodeKeysetCursor('outbox-dead', ['0']), 'not a position in this list'],
    [
      'a seq past bigint',
      encodeKeysetCursor('outbox-dead', ['9223372036854775808']),
      'not a position in this list',
    ],
    [
      'a seq that is not a number',
      encodeKeysetCursor('outbox-dead', ['1; DROP TABLE x']),
      'not a position in this list',
    ],
    ['an inbox cursor', encodeKeysetCursor('inbox-dead', ['1', 'm', 'h']), 'not a cursor'],
    ['a plain number', '42', 'not base64url'],
  ])('refuses %s with InvalidCursorError', (_case, cursor, reason) => {
    expect(() => decodeDeadOutboxCursor(cursor)).toThrow(
      expect.objectContaining({ name: 'InvalidCursorError', list: 'dead outbox messages', reason }),
    );
    expect(() => checkDeadOutboxQuery({ cursor })).toThrow(InvalidCursorError);
  });
});

describe('dead outbox pages: query and filter', () => {
  it('defaults to the first page of 100, with no condition', () => {
    expect(checkDeadOutboxQuery(undefined)).toEqual({ filter: {}, limit: 100, afterSeq: '0' });
    expect(checkDeadOutboxQuery({ limit: 1000, cursor: deadOutboxCursor('7') })).toEqual({
      filter: {},
      limit: 1000,
      afterSeq: '7',
    });
  });

  it('drops empty values and refuses what it cannot use, naming the field', () => {
    expect(checkDeadOutboxFilter({ destination: '', type: null, errorContains: undefined })).toEqual({});
    expect(() => checkDeadOutboxFilter({ error: 'NO_ROUTE' })).toThrow(
      new InvalidFilterError(
        'error',
        'DeadOutboxFilter has no field "error"; the fields are destination, type, errorContains, deadFrom, deadTo.',
      ),
    );
    // Page options belong to a page, not to a bulk action.
    expect(() => checkDeadOutboxFilter({ limit: 5 })).toThrow(/has no field "limit"/);
    expect(() => checkDeadOutboxQuery({ limit: 0 })).toThrow(/"limit" must be an integer from 1 to 1000/);
    expect(() => checkDeadOutboxQuery({ deadFrom: '2026-01-01' })).toThrow(/"deadFrom" must be a valid Date/);
    expect(() => checkDeadOutboxQuery({ destination: 7 })).toThrow(
      expect.objectContaining({ code: 'COURIER_INVALID_FILTER', field: 'destination' }),
    );
  });
});

describe('deadOutboxConditions', () => {
  const from = new Date('2026-01-01T00:00:00Z');
  const to = new Date('2026-02-01T00:00:00Z');

  it('binds every value, and escapes the error text for ILIKE', () => {
    const params = new SqlParameters();
    params.add('0', 'bigint');
    const { conditions, shape } = deadOutboxConditions(
      { destination: "o'rders", type: 'order_paid', errorContains: '100%_\\', deadFrom: from, deadTo: to },
      params,
    );
    expect(conditions).toEqual([
      'destination = $2',
      'type = $3',
      'last_error ILIKE $4',
      'dead_at >= $5::timestamptz',
      'dead_at < $6::timestamptz',
    ]);
    expect(params.values).toEqual(['0', "o'rders", 'order_paid', '%100\\%\\_\\\\%', from, to]);
    expect(shape).toBe('dtefu');
  });

  it('gives one text per shape, whatever the values, and "all" for no condition', () => {
    const text = (filter: object) => {
      const params = new SqlParameters();
      return deadOutboxConditions(filter, params);
    };
    expect(text({})).toEqual({ conditions: [], shape: 'all' });
    expect(text({ type: 'a', deadTo: to })).toEqual(text({ type: 'b', deadTo: from }));
    expect(text({ type: 'a' }).shape).not.toBe(text({ destination: 'a' }).shape);
  });
});
