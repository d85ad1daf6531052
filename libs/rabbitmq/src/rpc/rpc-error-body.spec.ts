import { MalformedJsonError } from '@courier-nest/core';
import { fromErrorBody, toErrorBody } from './rpc-error-body';

class HttpLikeError extends Error {
  getStatus(): number {
    return 404;
  }
}

describe('toErrorBody', () => {
  it("keeps the error's message and string code, and nothing else (no stack)", () => {
    const body = toErrorBody(new MalformedJsonError('bad'));
    expect(body).toEqual({ message: 'bad', code: 'COURIER_MALFORMED_JSON' });
  });

  it('takes the status from status, statusCode or getStatus()', () => {
    expect(toErrorBody(Object.assign(new Error('a'), { status: 409 }))).toEqual({
      message: 'a',
      status: 409,
    });
    expect(toErrorBody(Object.assign(new Error('b'), { statusCode: 503 }))).toEqual({
      message: 'b',
      status: 503,
    });
    expect(toErrorBody(new HttpLikeError('c'))).toEqual({ message: 'c', status: 404 });
  });

  it('keeps a numeric code and drops codes and statuses of other types', () => {
    expect(toErrorBody(Object.assign(new Error('a'), { code: 42 }))).toEqual({ message: 'a', code: 42 });
    expect(toErrorBody(Object.assign(new Error('b'), { code: { x: 1 }, status: '500' }))).toEqual({
      message: 'b',
    });
  });

  it('gives a thrown non-error a message', () => {
    expect(toErrorBody('plain text')).toEqual({ message: 'plain text' });
    expect(toErrorBody(7)).toEqual({ message: '7' });
  });

  it("uses the error's name when its message is empty", () => {
    expect(toErrorBody(new TypeError(''))).toEqual({ message: 'TypeError' });
  });
});

describe('fromErrorBody', () => {
  it('reads message, code and status', () => {
    expect(fromErrorBody({ message: 'm', code: 'C', status: 400 })).toEqual({
      message: 'm',
      code: 'C',
      status: 400,
    });
  });

  it('keeps only well-typed fields from a foreign responder', () => {
    expect(fromErrorBody({ message: 5, code: [1], status: 'x' })).toEqual({
      message: 'the responder failed without a message',
    });
  });

  it('takes a bare string as the message and anything else as no message', () => {
    expect(fromErrorBody('boom')).toEqual({ message: 'boom' });
    expect(fromErrorBody(null)).toEqual({ message: 'the responder failed without a message' });
    expect(fromErrorBody([1])).toEqual({ message: 'the responder failed without a message' });
  });
});
