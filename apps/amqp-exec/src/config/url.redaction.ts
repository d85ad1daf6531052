/**
 * A copy of a would-be AMQP URI that is safe to print in an error about it.
 *
 * The logger's scrubber only recognises well-formed `amqp://user:pass@` text, but this shows
 * values that failed validation: `amqp//user:pass@host`, `amqp:/user:pass@host` or
 * `amqp://user:pass` (no host) must not leak either. So: everything between the scheme and
 * the last `@` is userinfo and keeps only the user name; with no `@`, a non-numeric "port"
 * may be a password and is hidden too.
 */
export function redactUrl(raw: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/+/i.exec(raw)?.[0] ?? '';
  const rest = raw.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon < 0) return raw;
    return `${scheme}${userinfo.slice(0, colon)}:****${rest.slice(at)}`;
  }
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd >= 0 ? rest.slice(0, authorityEnd) : rest;
  // The port's colon: after an IPv6 literal's closing bracket, if there is one.
  const colon = authority.indexOf(':', authority.startsWith('[') ? authority.indexOf(']') : 0);
  if (colon >= 0 && !/^\d*$/.test(authority.slice(colon + 1))) {
    return `${scheme}${authority.slice(0, colon)}:****${rest.slice(authority.length)}`;
  }
  return raw;
}
