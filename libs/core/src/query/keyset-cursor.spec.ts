import { InvalidCursorError } from '../errors/invalid-cursor.error';
import { CourierError } from '../errors/courier.error';
import { decodeKeysetCursor, encodeKeysetCursor, isDecimalInteger } from './keyset-cursor';

const LIST = 'dead things';

function reasonOf(cursor: unknown, kind = 't', arity = 2): string {
  try {
    decodeKeysetCursor(cursor, kind, arity, LIST);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCursorError);
    return (error as InvalidCursorError).reason;
  }
  throw new Error('decoded');
}

describe('keyset cursors', () => {
  it('round-trips the values of any text, as base64url only', () => {
    const values = ['2026-11-22T19:45:12.345678', 'ü "quoted" / \\ + =', ''];
    const cursor = encodeKeysetCursor('t', values);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeKeysetCursor(cursor, 't', 3, LIST)).toEqual(values);
  });

  it('is a CourierError with a stable code, naming the list, and saying to start from the first page', () => {
    const error = new InvalidCursorError(LIST, 'not base64url');
    expect(error).toBeInstanceOf(CourierError);
    expect(error).toMatchObject({ name: 'InvalidCursorError', code: 'COURIER_INVALID_CURSOR', list: LIST });
    expect(error.message).toContain('The cursor given for the dead things is not one this list returned');
    expect(error.message).toContain('Start again from the first page');
  });

  it.each<[string, unknown, string]>([
    ['a number', 42, 'a number, not a string'],
    ['undefined', undefined, 'a undefined, not a string'],
    ['the empty string', '', 'wrong length'],
    ['a very long string', 'A'.repeat(3000), 'wrong length'],
    ['standard base64 with padding', Buffer.from('["t","1","2"]').toString('base64') + '==', 'not base64url'],
    ['text with a quote (SQL)', "1' OR '1'='1", 'not base64url'],
    [
      'base64url with stray trailing bits',
      encodeKeysetCursor('t', ['1', '2']).slice(0, -1) + 'x',
      'not base64url',
    ],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x5b]).toString('base64url'), 'not a cursor'],
    ['text that is not JSON', Buffer.from('seq=12').toString('base64url'), 'not a cursor'],
    ['a JSON object', Buffer.from('{"0":"t"}').toString('base64url'), 'not a cursor'],
    ['too few values', encodeKeysetCursor('t', ['1']), 'not a cursor'],
    ['too many values', encodeKeysetCursor('t', ['1', '2', '3']), 'not a cursor'],
    ['a number among the values', Buffer.from('["t",1,"2"]').toString('base64url'), 'not a cursor'],
    ['another list’s cursor', encodeKeysetCursor('u', ['1', '2']), 'from another list'],
    ['a NUL in a value', encodeKeysetCursor('t', ['1', 'a\u0000b']), 'not a cursor'],
  ])('refuses %s', (_case, cursor, reason) => {
    expect(reasonOf(cursor)).toBe(reason);
  });

  it('checks integer text strictly, within a range', () => {
    const max = 9223372036854775807n;
    expect(isDecimalInteger('1', 1n, max)).toBe(true);
    expect(isDecimalInteger('9223372036854775807', 1n, max)).toBe(true);
    for (const bad of [
      '0',
      '9223372036854775808',
      '01',
      '+1',
      '1.0',
      '1e3',
      ' 1',
      '',
      '-0',
      '99999999999999999999',
    ]) {
      expect([bad, isDecimalInteger(bad, 1n, max)]).toEqual([bad, false]);
    }
    expect(isDecimalInteger('-5', -10n, 10n)).toBe(true);
  });
});
