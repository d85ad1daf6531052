import { InvalidMessageError } from '@courier-nest/core';
import { isRefusedForItsContent } from './refused-delivery.policy';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('isRefusedForItsContent', () => {
  it.each<[string, unknown]>([
    ["the inbox's own check", new InvalidMessageError('payload', 'no')],
    ['invalid byte sequence (22021)', pgError('22021')],
    ['unsupported Unicode escape (22P05)', pgError('22P05')],
    [
      "TypeORM's wrapper of a data exception",
      Object.assign(new Error('x'), { driverError: { code: '22P02' } }),
    ],
  ])('yes for %s', (_label, error) => {
    expect(isRefusedForItsContent(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a plain error', new Error('db down')],
    ['a connection failure (08006)', pgError('08006')],
    ['an admin shutdown (57P01)', pgError('57P01')],
    ['a deadlock (40P01)', pgError('40P01')],
    ['not an error', 'oops'],
  ])('no for %s', (_label, error) => {
    expect(isRefusedForItsContent(error)).toBe(false);
  });
});
