import { ConflictException } from '@nestjs/common';
import { toReplyError } from './reply-error';

describe('toReplyError', () => {
  it('keeps an Error as it is (its status is read by the transport)', () => {
    const error = new ConflictException('out of stock');
    expect(toReplyError(error)).toBe(error);
  });

  it("makes an exception filter's object an Error with its message, status and code", () => {
    const error = toReplyError({ status: 'error', statusCode: 409, message: 'out of stock', code: 'OOS' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ message: 'out of stock', status: 409, code: 'OOS' });
  });

  it('never says [object Object]', () => {
    expect(toReplyError({ reason: 'x' }).message).toBe('{"reason":"x"}');
    expect(toReplyError('plain').message).toBe('plain');
  });
});
