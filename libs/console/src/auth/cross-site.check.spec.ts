import { ForbiddenException, UnsupportedMediaTypeException } from '@nestjs/common';
import { csrfTokenFor } from './csrf-token';
import { checkCrossSite, CSRF_HEADER } from './cross-site.check';
import { CONSOLE_PRINCIPAL, type ConsoleRequest } from './request-principal';

const secret = Buffer.alloc(32, 7);
const request = (method: string, headers: Record<string, string>): ConsoleRequest => ({
  method,
  headers: { host: 'ops.example:3000', ...headers },
  [CONSOLE_PRINCIPAL]: 'alice',
});
const good = { 'content-type': 'application/json', [CSRF_HEADER]: csrfTokenFor(secret, 'alice') };

describe('checkCrossSite', () => {
  it('lets reads through', () => {
    expect(() => checkCrossSite(request('GET', { 'sec-fetch-site': 'cross-site' }), secret)).not.toThrow();
  });

  it("accepts a same-origin JSON post with the principal's token", () => {
    const headers = { ...good, origin: 'http://ops.example:3000', 'sec-fetch-site': 'same-origin' };
    expect(() => checkCrossSite(request('POST', headers), secret)).not.toThrow();
    expect(() => checkCrossSite(request('POST', good), secret)).not.toThrow(); // a command line sends neither
  });

  it("refuses what a browser marks as another site's, whatever the token", () => {
    for (const site of ['cross-site', 'same-site']) {
      expect(() => checkCrossSite(request('POST', { ...good, 'sec-fetch-site': site }), secret)).toThrow(
        ForbiddenException,
      );
    }
    expect(() =>
      checkCrossSite(request('POST', { ...good, origin: 'https://evil.example' }), secret),
    ).toThrow(/another origin/);
    expect(() => checkCrossSite(request('POST', { ...good, origin: 'null' }), secret)).toThrow(
      /another origin/,
    );
  });

  it('refuses a form post', () => {
    const form = { ...good, 'content-type': 'application/x-www-form-urlencoded' };
    expect(() => checkCrossSite(request('POST', form), secret)).toThrow(UnsupportedMediaTypeException);
  });

  it("refuses a missing token, or another principal's", () => {
    expect(() => checkCrossSite(request('POST', { 'content-type': 'application/json' }), secret)).toThrow(
      /CSRF token/,
    );
    const bobs = { ...good, [CSRF_HEADER]: csrfTokenFor(secret, 'bob') };
    expect(() => checkCrossSite(request('POST', bobs), secret)).toThrow(/CSRF token/);
  });
});
