/** Reasons a request never got an answer, in the words an operator needs. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'the connection closed before an answer',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host',
};

/**
 * Why fetch failed without an answer. undici throws `TypeError('fetch failed')` with the
 * socket error as `cause` (sometimes an AggregateError of one per address tried); a timeout
 * is the signal's `TimeoutError`.
 */
export function describeFetchFailure(error: unknown, timeoutMs: number): string {
  // A DOMException, not always an Error of this realm: known by its name.
  if ((error as { name?: unknown } | null)?.name === 'TimeoutError') {
    return `no answer within ${timeoutMs < 1_000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1_000)} s`}`;
  }
  const code = codeOf(error);
  if (code !== undefined) return REASONS[code] ?? code;
  // "fetch failed" says nothing: the cause's own message says more.
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const message = (cause as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(cause);
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors) && errors.length > 0) return codeOf(errors[0]);
  return cause === undefined ? undefined : codeOf(cause);
}
