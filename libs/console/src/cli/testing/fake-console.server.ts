import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeAnswer {
  status?: number;
  body?: unknown;
  /** Sent as is instead of JSON. */
  raw?: string;
  headers?: Record<string, string>;
  /** Never answer (the socket is closed when the server stops). */
  hang?: boolean;
}

type Route = (request: RecordedRequest) => FakeAnswer;

/**
 * A console on loopback that answers what a test tells it to, route by `METHOD /path`
 * (query left out), and records every request. Unknown routes are Nest's 404.
 */
export class FakeConsoleServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Route>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeConsoleServer> {
    const fake = new FakeConsoleServer(createServer());
    fake.server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        const request: RecordedRequest = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          body: text === '' ? undefined : (JSON.parse(text) as unknown),
        };
        fake.requests.push(request);
        const path = request.url.split('?')[0];
        const route = fake.routes.get(`${request.method} ${path}`);
        const answer = route?.(request) ?? {
          status: 404,
          body: { statusCode: 404, message: `Cannot ${request.method} ${path}`, error: 'Not Found' },
        };
        if (answer.hang) return;
        res.writeHead(answer.status ?? 200, {
          'content-type': answer.raw === undefined ? 'application/json' : 'text/html',
          ...answer.headers,
        });
        res.end(answer.raw ?? JSON.stringify(answer.body ?? {}));
      });
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The console's mount URL on this server. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/courier`;
  }

  on(route: string, answer: FakeAnswer | Route): this {
    this.routes.set(route, typeof answer === 'function' ? answer : () => answer);
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
