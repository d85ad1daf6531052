import { CONSOLE_TOKEN } from './console-app';

/** A console API client as the page and the command line are: credentials, and the CSRF token for actions. */
export class ConsoleClient {
  private csrfToken?: string;

  constructor(
    readonly url: string,
    private readonly authorization: string | null = `Bearer ${CONSOLE_TOKEN}`,
  ) {}

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.url}/${path}`, { headers: { ...this.auth(), ...headers } });
  }

  async json<T>(path: string): Promise<T> {
    const response = await this.get(path);
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    this.csrfToken ??= (await this.json<{ csrfToken: string }>('api/session')).csrfToken;
    return fetch(`${this.url}/${path}`, {
      method: 'POST',
      headers: {
        ...this.auth(),
        'content-type': 'application/json',
        'x-courier-csrf': this.csrfToken,
        ...headers,
      },
      body: JSON.stringify(body),
    });
  }

  async postJson<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    const response = await this.post(path, body);
    if (response.status !== 200) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  private auth(): Record<string, string> {
    return this.authorization ? { authorization: this.authorization } : {};
  }
}
