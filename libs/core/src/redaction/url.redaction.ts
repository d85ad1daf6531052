import { urlSecretSpans } from './url-secret.spans';

/** What a credential is replaced with. */
export const REDACTED = '***';

/**
 * Secrets shorter than this are not searched for in free text: replacing every `a` of a
 * message would make it unreadable, and a two-character credential protects nothing.
 */
const MIN_SCRUBBED_LENGTH = 3;

/**
 * A URL (or a comma list of URLs, or a value that failed to parse as one) safe to print in a
 * log, an error or a health report: its userinfo (user name included), a "port" that is
 * not a number, and credential-named query parameters become `***`.
 * Never print a broker or database URL that did not go through here.
 *
 * @example redactUrl('amqp://TOKEN@rabbit:5672/vh') // 'amqp://***@rabbit:5672/vh'
 * @example redactUrl('postgres://app:pw@db/app?sslpassword=x') // 'postgres://***@db/app?sslpassword=***'
 */
export function redactUrl(raw: string): string {
  let shown = raw;
  for (const span of urlSecretSpans(raw).reverse()) {
    shown = shown.slice(0, span.start) + REDACTED + shown.slice(span.end);
  }
  return shown;
}

/** `text` with every URL in it (a word holding `://`) passed through `redactUrl`. */
export function redactUrlsInText(text: string): string {
  if (!text.includes('://')) return text; // almost no line mentions a URL at all
  return text.replace(/\S+/g, (word) => (word.includes('://') ? redactUrl(word) : word));
}

/**
 * `text` (a driver's error message, say) with the credentials of `urls` removed wherever they
 * appear, raw or percent-decoded, URL or not (`user "TOKEN" refused`), and any URL in it
 * redacted.
 */
export function scrubUrlSecrets(text: string, ...urls: readonly string[]): string {
  const secrets = urls
    .flatMap(urlSecrets)
    .filter((secret) => secret.length >= MIN_SCRUBBED_LENGTH)
    .sort((a, b) => b.length - a.length); // a longer secret first: it may contain a shorter one
  let scrubbed = text;
  for (const secret of new Set(secrets)) scrubbed = scrubbed.split(secret).join(REDACTED);
  return redactUrlsInText(scrubbed);
}

/** Each credential of `url` as text may show it: whole, its `user` and `password` parts, decoded. */
function urlSecrets(url: string): string[] {
  return urlSecretSpans(url).flatMap((span) => {
    const whole = url.slice(span.start, span.end);
    const colon = whole.indexOf(':');
    const parts = colon < 0 ? [whole] : [whole, whole.slice(0, colon), whole.slice(colon + 1)];
    return [...parts, ...parts.map(decoded)];
  });
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
