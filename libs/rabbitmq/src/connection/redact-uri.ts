/**
 * An AMQP URI safe to log: the password (and any query secrets) replaced. Never log
 * or put in an error a URI that did not go through here.
 */
export function redactUri(uri: string): string {
  try {
    const url = new URL(uri);
    if (url.password) url.password = '***';
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) url.searchParams.set(key, '***');
    }
    return url.toString();
  } catch {
    return 'amqp://<unparseable uri>';
  }
}

/** Removes the URI's password from a driver error message, in case one ever echoes it. */
export function scrubSecret(text: string, uri: string): string {
  try {
    const password = decodeURIComponent(new URL(uri).password);
    return password ? text.split(password).join('***') : text;
  } catch {
    return text;
  }
}
