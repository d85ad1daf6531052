/**
 * Provide a transport's request side (a `RequestClient`) under this token;
 * `CourierRabbitMQModule` does, over direct reply-to.
 */
export const REQUEST_CLIENT = Symbol.for('courier:request-client');

/** Provide a transport's serving side (a `RequestResponder`) under this token. */
export const REQUEST_RESPONDER = Symbol.for('courier:request-responder');

/**
 * The ports of request/response (`ClientProxy.send` / `@MessagePattern`), so that a framework
 * adapter needs no transport code. Requests do not go through the outbox: a caller waits for
 * the answer, and a request stored to be sent after its caller gave up would be answered to
 * no one.
 *
 * Contract:
 * - `request` sends `payload` to the named queue and resolves with the reply's payload, or
 *   rejects with a typed error: no answer within `timeoutMs` (and the request then expires
 *   unread), no such queue, the responder's own error, the transport not connected.
 * - `serve` handles the requests of a queue: the handler's resolved value is the reply, a
 *   throw is an error reply `{ message, code?, status? }`. A request is handled at most once
 *   as far as its caller can tell (see docs/rpc.md for redelivery after a responder died).
 */
export interface RequestClient {
  request<T = unknown>(
    queue: string,
    payload: unknown,
    options: { timeoutMs: number; headers?: Record<string, string | number | boolean> },
  ): Promise<T>;
}

export interface RequestResponder {
  serve<P = unknown, R = unknown>(
    queue: string,
    handler: (payload: P, context: RequestContext) => Promise<R> | R,
    options?: { prefetch?: number },
  ): Promise<void>;
}

/** What a responder's handler learns about the request besides its payload. */
export interface RequestContext {
  queue: string;
  correlationId?: string;
  messageId?: string;
  headers: Record<string, unknown>;
  /** True if the transport delivered this request before (a responder died while handling it). */
  redelivered: boolean;
}
