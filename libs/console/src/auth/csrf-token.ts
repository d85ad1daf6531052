import { createHmac, timingSafeEqual } from 'node:crypto';

/** The page's CSRF token for a principal: a MAC of the principal, so no server state is needed. */
export function csrfTokenFor(secret: Buffer, principal: string): string {
  return createHmac('sha256', secret).update(principal).digest('base64url');
}

export function isCsrfTokenOf(secret: Buffer, principal: string, token: unknown): boolean {
  if (typeof token !== 'string' || token.length === 0 || token.length > 128) return false;
  const expected = Buffer.from(csrfTokenFor(secret, principal));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
