import type { RequestContext } from '@courier-nest/core';

/** Header values a request may carry (AMQP table values). */
export type RpcHeaders = Record<string, string | number | boolean>;

/** Options of one `RabbitMQRpcClient.request` call. */
export interface RpcRequestOptions {
  /**
   * How long to wait for the reply, in ms. Also the request's AMQP `expiration`: a request
   * nobody took within this time is dropped by the broker, so it never runs after its caller
   * gave up waiting (one already taken may still run; see docs/rpc.md).
   */
  timeoutMs: number;
  /** Extra AMQP headers for the responder. Names starting with `x-courier-` are refused. */
  headers?: RpcHeaders;
}

export interface RabbitMQRpcClientOptions {
  /** Largest request or reply body accepted, in bytes. @default 1048576 (1 MiB) */
  maxPayloadBytes?: number;
}

/** What a responder's handler learns about the request besides its payload (core's port type). */
export type RpcRequestContext = RequestContext;

/**
 * Handles one request. Its resolved value is the reply (JSON; `undefined` is sent as `null`).
 * A throw becomes an error reply `{ message, code?, status? }`: `code` from the error's
 * `code` property, `status` from its `status` / `statusCode` or `getStatus()` (Nest's HttpException).
 */
export type RpcHandler<P = unknown, R = unknown> = (payload: P, context: RpcRequestContext) => Promise<R> | R;

/** Options of one `RabbitMQRpcResponder.serve` call. */
export interface RpcServeOptions {
  /** Requests handled at once on this queue (unacknowledged deliveries). @default 10 */
  prefetch?: number;
  /**
   * Declare the queue durable. Requests are transient and expire, so this only decides whether
   * the queue itself outlives a broker restart; durable matches amqplib's and Nest's default, so
   * the same queue can be declared by them without a PRECONDITION_FAILED. @default true
   */
  durable?: boolean;
}

export interface RabbitMQRpcResponderOptions {
  /** Largest request body accepted and reply body sent, in bytes. @default 1048576 (1 MiB) */
  maxPayloadBytes?: number;
  /** How long `close()` waits for running handlers before closing their channels. @default 10000 */
  closeTimeoutMs?: number;
}

/** The JSON body of an error reply (marked by the `x-courier-rpc-error` header). */
export interface RpcErrorBody {
  message: string;
  code?: string | number;
  status?: number;
}
