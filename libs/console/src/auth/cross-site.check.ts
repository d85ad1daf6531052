import { ForbiddenException, UnsupportedMediaTypeException } from '@nestjs/common';
import { isCsrfTokenOf } from './csrf-token';
import { CONSOLE_PRINCIPAL, headerOf, type ConsoleRequest } from './request-principal';

export const CSRF_HEADER = 'x-courier-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing call another site could have made in the user's name: a
 * browser attaches Basic credentials and cookies to cross-site requests by itself.
 * Three independent checks: the browser's own Sec-Fetch-Site and Origin, a JSON body
 * (a cross-site form cannot send one without a preflight, which the console never
 * answers), and the CSRF token only a same-origin read of `api/session` gives.
 */
export function checkCrossSite(request: ConsoleRequest, secret: Buffer): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  const fetchSite = headerOf(request, 'sec-fetch-site');
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    throw new ForbiddenException(
      `Refused a ${fetchSite} request: console actions come from its own page only.`,
    );
  }
  const origin = headerOf(request, 'origin');
  if (origin !== undefined && hostOf(origin) !== headerOf(request, 'host')) {
    throw new ForbiddenException(
      'Refused a request from another origin: console actions come from its own page only.',
    );
  }
  const contentType = headerOf(request, 'content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new UnsupportedMediaTypeException(
      'Console actions take a JSON body: send "Content-Type: application/json".',
    );
  }
  const principal = request[CONSOLE_PRINCIPAL] ?? 'anonymous';
  if (!isCsrfTokenOf(secret, principal, headerOf(request, CSRF_HEADER))) {
    throw new ForbiddenException(
      `Missing or wrong CSRF token: read "csrfToken" from GET <console>/api/session and send it as the "${CSRF_HEADER}" header.`,
    );
  }
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
