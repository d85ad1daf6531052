import { InvalidIdentifierError } from '../errors/invalid-identifier.error';
import { assertSqlIdentifier, quoteIdentifier } from './sql-identifier';

function identifierError(value: unknown, option: string): InvalidIdentifierError {
  try {
    assertSqlIdentifier(value, option);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidIdentifierError);
    return error as InvalidIdentifierError;
  }
  throw new Error('expected InvalidIdentifierError');
}

describe('assertSqlIdentifier', () => {
  it.each(['courier', '_x1', 'outbox_messages', 'a', `a${'b'.repeat(62)}`])('accepts %j', (name) => {
    expect(() => assertSqlIdentifier(name, 'schema')).not.toThrow();
  });

  it.each([
    ['upper case', 'Courier'],
    ['a hyphen', 'a-b'],
    ['an injection attempt', 'x"; drop table y; --'],
    ['64 characters', `a${'b'.repeat(63)}`],
    ['empty', ''],
    ['a leading digit', '1abc'],
    ['a space', 'my table'],
    ['a dot', 'public.t'],
    ['non-ASCII letters', 'tablé'],
    ['a trailing newline', 'courier\n'],
  ])('rejects %s', (_label, name) => {
    const error = identifierError(name, 'tableName');
    expect(error).toMatchObject({ option: 'tableName', value: name, code: 'COURIER_INVALID_IDENTIFIER' });
    expect(error.message).toContain('Option "tableName"');
  });

  it.each<[string, unknown]>([
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { name: 'courier' }],
    ['an array', ['courier']],
    ['a symbol', Symbol('courier')],
    ['a null-prototype object', Object.create(null)],
    [
      'an object whose toString throws',
      {
        toString: () => {
          throw new Error('boom');
        },
      },
    ],
  ])('rejects %s with InvalidIdentifierError naming the option', (_label, value) => {
    const error = identifierError(value, 'schema');
    expect(error.value).toBe(value);
    expect(error.message).toContain('Option "schema"');
  });

  it('keeps the message short for long values', () => {
    const error = identifierError('X'.repeat(500), 'schema');
    expect(error.message).not.toContain('X'.repeat(100));
  });
});

describe('quoteIdentifier', () => {
  it('returns the name in double quotes', () => {
    expect(quoteIdentifier('courier', 'schema')).toBe('"courier"');
    expect(quoteIdentifier('_x1', 'table')).toBe('"_x1"');
  });

  it('refuses instead of escaping an invalid name', () => {
    expect(() => quoteIdentifier('x"; drop table y; --', 'table')).toThrow(InvalidIdentifierError);
    expect(() => quoteIdentifier('x"; drop table y; --', 'table')).toThrow('Option "table"');
  });
});
