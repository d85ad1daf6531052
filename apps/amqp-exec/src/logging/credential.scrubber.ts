/**
 * `amqp://user:password@` (amqps too, any case) → `amqp://user:****@`.
 *
 * The password part runs to the LAST `@` before whitespace, as a URL parser reads
 * `amqp://u:p@ss@host`, and takes `/`, `?`, `#` too: a hand-typed password is often not
 * percent-encoded, and redacting a little too much beats printing part of a secret.
 */
const AMQP_CREDENTIALS = /(amqps?:\/\/)([^\s:@/?#]*):[^\s]*@/gi;

/**
 * Any other scheme's `user:password@` (a worker's `https://` or `postgres://` URL), read
 * strictly: the password cannot contain `/ ? #`, so `http://host:8080/u?to=a@b.c` stays as is.
 */
const OTHER_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#]*):[^\s@/?#]*@/gi;

/** Returns `text` with the password of every URI in it replaced by `****`. */
export function scrubCredentials(text: string): string {
  // Cheap pre-check: almost no line mentions a URI at all.
  if (!text.includes('://')) return text;
  return text.replace(AMQP_CREDENTIALS, '$1$2:****@').replace(OTHER_CREDENTIALS, '$1$2:****@');
}
