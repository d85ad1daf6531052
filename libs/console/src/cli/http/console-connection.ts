import { CliUsageError } from '../errors';

export type ConsoleCredentials =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string };

/** Where the console is and how to prove who we are. */
export interface ConsoleConnection {
  /** The console's mount URL without credentials, query or trailing slash: safe to print. */
  readonly url: string;
  readonly credentials: ConsoleCredentials;
}

export interface ConnectionFlags {
  url?: string;
  token?: string;
  user?: string;
  password?: string;
}

export const URL_VARIABLE = 'COURIER_CONSOLE_URL';
export const TOKEN_VARIABLE = 'COURIER_CONSOLE_TOKEN';

/**
 * The console's URL and credentials from the flags, then the environment. A URL may carry
 * Basic credentials (`http://user:password@host/courier`): they are used when no other
 * credentials are given, and always taken out of the URL, which fetch would refuse and
 * every message prints.
 */
export function resolveConnection(
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>>,
): ConsoleConnection {
  const raw = flags.url ?? nonEmpty(env[URL_VARIABLE]);
  if (raw === undefined) {
    throw new CliUsageError(
      `No console URL: pass --url, the console's mount URL (e.g. http://localhost:3001/courier), or set ${URL_VARIABLE}.`,
    );
  }
  const { url, userinfo } = parseConsoleUrl(raw);
  if (flags.token !== undefined && (flags.user !== undefined || flags.password !== undefined)) {
    throw new CliUsageError('Give either --token or --user and --password, not both.');
  }
  if (flags.token !== undefined)
    return { url, credentials: { kind: 'token', token: required(flags.token, '--token') } };
  if (flags.user !== undefined || flags.password !== undefined) {
    if (flags.user === undefined || flags.password === undefined) {
      throw new CliUsageError('Basic credentials need both --user and --password.');
    }
    return {
      url,
      credentials: { kind: 'basic', username: flags.user, password: required(flags.password, '--password') },
    };
  }
  if (userinfo) return { url, credentials: { kind: 'basic', ...userinfo } };
  const token = nonEmpty(env[TOKEN_VARIABLE]);
  if (token !== undefined) return { url, credentials: { kind: 'token', token } };
  throw new CliUsageError(
    `No credentials: pass --token (or set ${TOKEN_VARIABLE}), or --user and --password.`,
  );
}

/** The URL without credentials (the only form any message shows), and the credentials it carried. */
export function parseConsoleUrl(raw: string): {
  url: string;
  userinfo?: { username: string; password: string };
} {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new CliUsageError(
      `--url must be an http:// or https:// URL such as http://localhost:3001/courier; got "${stripCredentials(raw)}".`,
    );
  }
  const userinfo =
    parsed.username || parsed.password
      ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
      : undefined;
  parsed.username = '';
  parsed.password = '';
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliUsageError(`--url must be an http:// or https:// URL; got "${parsed.href}".`);
  }
  if (parsed.search || parsed.hash) {
    throw new CliUsageError(
      // Not echoed whole: a query may carry a credential (`?token=…`).
      `--url is the console's mount URL, without a query or fragment (e.g. http://localhost:3001/courier); got "${parsed.origin}${parsed.pathname}" followed by one.`,
    );
  }
  return { url: parsed.href.replace(/\/+$/, ''), userinfo };
}

/** `scheme://user:password@host` → `scheme://host`, wherever it appears in `text`. */
export function stripCredentials(text: string): string {
  // The userinfo runs to the last `@` before the path: a hand-typed password may hold an `@`.
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi, '$1');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function required(value: string, flag: string): string {
  if (value === '') throw new CliUsageError(`${flag} is empty.`);
  return value;
}
