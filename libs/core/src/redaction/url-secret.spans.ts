/** Where a secret sits in a URL string: `raw.slice(start, end)`. */
export interface SecretSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Where a URL starts inside a value or a log line: a scheme and `://`, at the start or after
 * a separator. Not after `:` or a letter, so `u:x://y@h` (a password that happens to hold
 * `x://`) stays one URL.
 */
const URL_START = /(?<=^|[\s,;"'()<>[\]{}=])[a-z][a-z0-9+.-]*:\/\//gi;

/** A value that lost part of its `scheme://` (`amqp//u:p@h`, `amqp:/u:p@h`): the scheme is kept. */
const LOOSE_SCHEME = /^[a-z][a-z0-9+.-]*:?\/+/i;

/**
 * Query (or fragment) parameters whose value is a credential: `?password=`, `?auth=`,
 * `?token=`, `?api_key=`, `?user=` (a user name may be the secret: `amqp://TOKEN@host`)…
 */
const SECRET_PARAMETER = /user|pass|pwd|secret|token|key|auth|cred|sig|session|jwt|bearer/i;

const QUERY_PARAMETER = /([?&;#])([^=&;#]*)=([^&;#]*)/g;

/**
 * The credentials in `raw`, a URL or a comma list of URLs (any scheme: `amqp`, `amqps`,
 * `postgres`, `https`…), in order:
 * - the whole userinfo, user name included: `amqp://TOKEN@host` has its secret there;
 * - for a URL that does not parse, everything between `://` and the LAST `@` (a hand-typed
 *   password holds `@`, `/`, `?` or `#` unencoded, and a parser would cut it anywhere);
 * - with no `@`, an authority whose "port" is not a number (`amqp://user:password`);
 * - the values of query parameters named like a credential.
 * Redacting a little too much beats printing part of a secret.
 */
export function urlSecretSpans(raw: string): SecretSpan[] {
  const starts = [...raw.matchAll(URL_START)].map((match) => ({
    scheme: match[0],
    index: match.index + match[0].length,
  }));
  if (starts.length === 0) {
    // Not a well-formed URL at all: keep only a scheme-like prefix and read the rest as one.
    const prefix = LOOSE_SCHEME.exec(raw)?.[0].length ?? 0;
    return segmentSpans(raw, prefix, raw.length, undefined);
  }
  return starts.flatMap((start, i) =>
    segmentSpans(
      raw,
      start.index,
      i + 1 < starts.length ? starts[i + 1].index - starts[i + 1].scheme.length : raw.length,
      start.scheme,
    ),
  );
}

/** The secrets of one URL: `raw.slice(from, to)` is what follows its `scheme://`. */
function segmentSpans(raw: string, from: number, to: number, scheme: string | undefined): SecretSpan[] {
  const rest = raw.slice(from, to);
  const spans: SecretSpan[] = [];
  const at = userinfoEnd(rest, scheme);
  let hostAt = 0;
  if (at >= 0) {
    spans.push({ start: from, end: from + at });
    hostAt = at + 1;
  } else {
    const authority = rest.slice(0, endOfAuthority(rest));
    if (authority && !authority.split(',').every(hasNumericPortOrNone)) {
      spans.push({ start: from, end: from + authority.length });
      hostAt = authority.length;
    }
  }
  const queryAt = rest.slice(hostAt).search(/[?#]/);
  if (queryAt >= 0) {
    const query = rest.slice(hostAt + queryAt);
    for (const match of query.matchAll(QUERY_PARAMETER)) {
      if (!SECRET_PARAMETER.test(decoded(match[2])) || match[3] === '') continue;
      const valueAt = from + hostAt + queryAt + match.index + match[1].length + match[2].length + 1;
      spans.push({ start: valueAt, end: valueAt + match[3].length });
    }
  }
  return spans;
}

/**
 * Where the userinfo ends (its `@`), or -1. A URL that parses has its userinfo before the
 * query: `http://host/users?to=a@b.example` has none. One that does not parse is read
 * conservatively, to its last `@`.
 */
function userinfoEnd(rest: string, scheme: string | undefined): number {
  if (scheme && parses(scheme + rest)) {
    const beforeQuery = rest.search(/[?#]/);
    return (beforeQuery >= 0 ? rest.slice(0, beforeQuery) : rest).lastIndexOf('@');
  }
  return rest.lastIndexOf('@');
}

function endOfAuthority(rest: string): number {
  const end = rest.search(/[/?#]/);
  return end >= 0 ? end : rest.length;
}

/** `host`, `host:5672`, `[::1]:5672`: no credential. `user:password`: the "port" is not a number. */
function hasNumericPortOrNone(host: string): boolean {
  const colon = host.indexOf(':', host.startsWith('[') ? host.indexOf(']') : 0);
  return colon < 0 || /^\d*$/.test(host.slice(colon + 1));
}

function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
