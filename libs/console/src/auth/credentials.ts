import { createHash, timingSafeEqual } from 'node:crypto';
import type { ResolvedConsoleAuth } from '../console-options.resolver';

/**
 * The principal the `Authorization` header proves under token or Basic auth, or null.
 * A token is accepted as `Bearer <token>` and as the Basic password (any user name),
 * so that a browser can sign in with its own credentials prompt.
 */
export function principalFromCredentials(
  auth: Extract<ResolvedConsoleAuth, { kind: 'token' | 'basic' }>,
  header: string | undefined,
): string | null {
  if (typeof header !== 'string') return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return auth.kind === 'token' && sameSecret(value, auth.token) ? 'token' : null;
  if (scheme !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  if (auth.kind === 'token') return sameSecret(password, auth.token) ? 'token' : null;
  // Both compared, whatever the first gives: the time taken says nothing about which was wrong.
  const userMatches = sameSecret(username, auth.username);
  const passwordMatches = sameSecret(password, auth.password);
  return userMatches && passwordMatches ? auth.username : null;
}

/** Compares digests, so neither the length nor the content leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
