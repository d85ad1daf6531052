import { InvalidCursorError } from '@courier-nest/core';
import { encodeKeysetCursor, SqlParameters } from '@courier-nest/core/internal';
import {
  checkDeadInboxFilter,
  checkDeadInboxQuery,
  checkHandlerRuns,
  deadInboxConditions,
  deadInboxCursor,
  decodeDeadInboxCursor,
} from './inbox-dead.query';

const key = { deadMicros: '1796224184123456', messageId: 'm-1 "x"', handlerKey: 'reserve.stock' };

describe('dead inbox pages: cursors', () => {
  it('round-trips a position: microseconds, message id and handler key', () => {
    expect(decodeDeadInboxCursor(deadInboxCursor(key))).toEqual(key);
  });

  it.each([
    ['negative microseconds', ['-1', 'm', 'h']],
    ['microseconds past 2^53', ['9007199254740993', 'm', 'h']],
    ['microseconds that are not a number', ['2026-01-01', 'm', 'h']],
    ['an empty message id', ['1', '', 'h']],
    ['an empty handler key', ['1', 'm', '']],
    ['a message id too long', ['1', 'm'.repeat(1001), 'h']],
  ])('refuses %s with InvalidCursorError', (_case, values) => {
    const cursor = encodeKeysetCursor('inbox-dead', values);
    expect(() => decodeDeadInboxCursor(cursor)).toThrow(
      expect.objectContaining({ name: 'InvalidCursorError', list: 'dead inbox handler runs' }),
    );
  });

  it('refuses an outbox cursor', () => {
    expect(() => checkDeadInboxQuery({ cursor: encodeKeysetCursor('outbox-dead', ['5']) })).toThrow(
      InvalidCursorError,
    );
  });
});

describe('dead inbox pages: query, filter and runs', () => {
  it('defaults to the first page of 100', () => {
    expect(checkDeadInboxQuery({})).toEqual({ filter: {}, limit: 100, after: null });
    expect(checkDeadInboxQuery({ handlerKey: 'h', cursor: deadInboxCursor(key), limit: 5 })).toEqual({
      filter: { handlerKey: 'h' },
      limit: 5,
      after: key,
    });
  });

  it('refuses unknown fields: a misspelt filter must not widen a purge', () => {
    expect(() => checkDeadInboxFilter({ handler: 'reserve' })).toThrow(
      /DeadInboxFilter has no field "handler"/,
    );
    expect(() => checkDeadInboxFilter({ cursor: 'x' })).toThrow(/has no field "cursor"/);
  });

  it('takes runs as pairs of strings, dropping duplicates, and refuses anything else', () => {
    const run = { messageId: 'm-1', handlerKey: 'h' };
    expect(checkHandlerRuns('replayMany', [run, { ...run }, { messageId: 'm-2', handlerKey: 'h' }])).toEqual([
      run,
      { messageId: 'm-2', handlerKey: 'h' },
    ]);
    for (const bad of [
      [null],
      [{ messageId: 'm' }],
      [{ messageId: 1, handlerKey: 'h' }],
      [{ messageId: 'a\u0000', handlerKey: 'h' }],
    ]) {
      expect(() => checkHandlerRuns('replayMany', bad)).toThrow(
        expect.objectContaining({ code: 'COURIER_INVALID_FILTER', field: 'runs' }),
      );
    }
    expect(() => checkHandlerRuns('replayMany', 'm-1/h')).toThrow(/"runs" must be an array/);
  });
});

describe('deadInboxConditions', () => {
  const from = new Date('2026-01-01T00:00:00Z');

  it('binds every value; the position is a row comparison in list order', () => {
    const params = new SqlParameters();
    params.add(101, 'int');
    const { conditions, shape } = deadInboxConditions(
      { eventType: 'order_events', errorContains: 'a_b', deadFrom: from },
      key,
      params,
    );
    expect(conditions).toEqual([
      'st.event_type = $2',
      'st.last_error ILIKE $3',
      'st.updated_at >= $4::timestamptz',
      "(st.updated_at, st.message_id, st.handler_key) > ((timestamptz 'epoch' + $5::bigint * interval '1 microsecond'), $6, $7)",
    ]);
    expect(params.values).toEqual([
      101,
      'order_events',
      '%a\\_b%',
      from,
      key.deadMicros,
      key.messageId,
      key.handlerKey,
    ]);
    expect(shape).toBe('exfp');
  });

  it('with a handler key, bounds the position on the handler index’s columns too', () => {
    const params = new SqlParameters();
    const { conditions, shape } = deadInboxConditions({ handlerKey: 'h' }, key, params);
    expect(conditions).toEqual([
      'st.handler_key = $1',
      "(st.updated_at, st.message_id) >= ((timestamptz 'epoch' + $2::bigint * interval '1 microsecond'), $3)",
      "(st.updated_at, st.message_id, st.handler_key) > ((timestamptz 'epoch' + $2::bigint * interval '1 microsecond'), $3, $4)",
    ]);
    expect(shape).toBe('hkp');
    expect(deadInboxConditions({}, null, new SqlParameters())).toEqual({ conditions: [], shape: 'all' });
  });
});
