import type { InboxHandlerOptions } from '@courier-nest/inbox';

export interface CourierMicroservicesOptions {
  /**
   * How long `CourierServer.close()` waits for handler runs still in flight. The inbox's
   * dispatcher drains its runs before the server is closed (at `beforeApplicationShutdown`),
   * so this bounds only runs started outside it.
   * @default 10000
   */
  closeTimeoutMs?: number;
  /**
   * How long `CourierClientProxy.send()` waits for a reply before it fails with the
   * transport's timeout error (`RpcTimeoutError` on RabbitMQ). The request expires unread
   * after the same time.
   * @default 5000
   */
  requestTimeoutMs?: number;
  /** Requests each `@MessagePattern` queue handles at once. @default 10 */
  requestPrefetch?: number;
}

/**
 * What `@EventPattern(pattern, extras)` may carry for a `CourierServer`, besides what other
 * transports read.
 *
 * @example
 * @EventPattern('order_events', { handlerKey: 'reserve', maxAttempts: 3 })
 */
export interface CourierEventExtras extends InboxHandlerOptions {
  /**
   * The handler's key in the inbox: its own status, attempts and dead state per message.
   * 1-100 letters, digits, "_", "." or "-". Never change it once messages were stored
   * (their state rows carry it).
   * @default the pattern for the first handler of a pattern without a `handlerKey`; `<pattern>.2`, `<pattern>.3`… for the next ones without one, in registration order
   */
  handlerKey?: string;
}
