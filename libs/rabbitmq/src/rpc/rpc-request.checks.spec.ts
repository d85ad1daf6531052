import { InvalidMessageError } from '@courier-nest/core';
import { checkRequest } from './rpc-request.checks';

function refusal(run: () => void): InvalidMessageError {
  try {
    run();
  } catch (error) {
    return error as InvalidMessageError;
  }
  throw new Error('expected a refusal');
}

describe('checkRequest', () => {
  it('accepts a queue, a timeout and ordinary headers', () => {
    expect(() =>
      checkRequest('q', { timeoutMs: 1000, headers: { 'x-tenant': 't', traceparent: 'x' } }),
    ).not.toThrow();
  });

  it('refuses an empty or missing queue name', () => {
    expect(refusal(() => checkRequest('', { timeoutMs: 1 }))).toMatchObject({ field: 'queue' });
    expect(refusal(() => checkRequest(undefined, { timeoutMs: 1 })).message).toMatch(
      /needs the name of the queue/,
    );
  });

  it.each([undefined, 0, -5, 1.5, Number.NaN, 2_147_483_648])(
    'refuses timeoutMs %p, saying the range',
    (timeoutMs) => {
      const error = refusal(() => checkRequest('q', { timeoutMs: timeoutMs as number }));
      expect(error).toBeInstanceOf(InvalidMessageError);
      expect(error.field).toBe('timeoutMs');
      expect(error.message).toMatch(/integer between 1 and 2147483647/);
    },
  );

  it('refuses options left out', () => {
    expect(refusal(() => checkRequest('q', undefined)).field).toBe('timeoutMs');
  });

  it('refuses a header in the x-courier- namespace, whatever its case, so a caller cannot fake an error reply', () => {
    const error = refusal(() => checkRequest('q', { timeoutMs: 1, headers: { 'X-Courier-RPC-Error': 1 } }));
    expect(error.field).toBe('headers');
    expect(error.message).toMatch(/"X-Courier-RPC-Error" is reserved/);
  });
});
