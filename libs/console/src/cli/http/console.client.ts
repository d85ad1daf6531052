import { ConsoleAnswerError, ConsoleRefusedError, ConsoleUnreachableError } from '../errors';
import { stripCredentials, type ConsoleConnection } from './console-connection';
import { describeFetchFailure } from './fetch-failure';

export const CSRF_HEADER = 'X-Courier-CSRF';
export type Query = Readonly<Record<string, string | number | undefined>>;

interface Session {
  csrfToken: string;
}

/**
 * The console's HTTP API as the CLI uses it: JSON in and out, one credential on every call,
 * and the CSRF token `api/session` gives before any POST (read once per run).
 */
export class ConsoleClient {
  private session?: Promise<Session>;

  constructor(
    private readonly connection: ConsoleConnection,
    private readonly timeoutMs = 30_000,
  ) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
    const suffix = search.size > 0 ? `?${search.toString()}` : '';
    return this.call<T>('GET', `${path}${suffix}`);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    this.session ??= this.call<Session>('GET', 'api/session');
    const { csrfToken } = await this.session;
    return this.call<T>('POST', path, body, {
      [CSRF_HEADER]: csrfToken,
      'Content-Type': 'application/json',
    });
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const { url } = this.connection;
    let response: Response;
    try {
      response = await fetch(`${url}/${path}`, {
        method,
        headers: { Accept: 'application/json', Authorization: this.authorization(), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      throw new ConsoleUnreachableError(url, describeFetchFailure(error, this.timeoutMs));
    }
    const text = await response.text().catch(() => '');
    const json = parseJson(text);
    if (response.status >= 300 && response.status < 400) {
      // Not followed: the console never redirects, so --url is not the console's mount URL.
      const location = stripCredentials(response.headers.get('location') ?? 'nowhere');
      throw new ConsoleRefusedError(url, response.status, response.statusText, `a redirect to ${location}`);
    }
    if (!response.ok) {
      throw new ConsoleRefusedError(url, response.status, response.statusText, messageOf(json, text));
    }
    if (json === undefined) {
      const type = response.headers.get('content-type') ?? 'no content type';
      throw new ConsoleAnswerError(url, `${response.status} ${type}`);
    }
    return json as T;
  }

  private authorization(): string {
    const { credentials } = this.connection;
    if (credentials.kind === 'token') return `Bearer ${credentials.token}`;
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Nest's error body is `{ statusCode, message, error }`, `message` a string or a list of them. */
function messageOf(json: unknown, text: string): string {
  const message = (json as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string' && message !== '') return message;
  if (Array.isArray(message) && message.length > 0) return message.map(String).join('; ');
  if (json === undefined && text.trim() !== '') return "an answer that is not the console's JSON";
  return 'no message';
}
