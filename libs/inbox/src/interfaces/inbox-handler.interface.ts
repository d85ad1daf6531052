import type { EntityManager } from 'typeorm';
import type { InboxMessage } from './inbox-message.interface';

/**
 * What a handler gets besides the message.
 *
 * Contract: return → the handler is `done` for this message, never run again for it;
 * throw → `failed`, retried with backoff until `maxAttempts`, then `dead`;
 * throw `InboxNonRetryableError` → `dead` at once.
 */
export interface InboxHandlerContext {
  eventType: string;
  handlerKey: string;
  /** 1 for the first run; a retry is the same message, not a duplicate. */
  attempt: number;
  /** Aborted when the handler exceeds its timeout: stop work and let the attempt fail. */
  signal: AbortSignal;
  /**
   * The W3C trace context the handler runs in: the message's `traceparent` header, only
   * when well formed. With an OpenTelemetry context manager registered it is also the
   * active context (and what the outbox attaches to messages published here); without
   * one, pass it on yourself: `outbox.publish(manager, { …, traceparent })`.
   */
  traceparent?: string;
  /** The message's `tracestate`, with `traceparent`. */
  tracestate?: string;
  /**
   * With `transactional: true`: the transaction that also marks the handler done, so
   * database effects made through it commit exactly when the done-mark does.
   */
  manager?: EntityManager;
}

export type InboxHandlerFn = (message: InboxMessage, context: InboxHandlerContext) => unknown;

export interface InboxHandlerOptions {
  /** Run the handler in a transaction that also marks it done (see `InboxHandlerContext.manager`). @default false */
  transactional?: boolean;
  /** Overrides the module's `handlerTimeoutMs` for this handler. */
  timeoutMs?: number;
  /** Overrides the module's `maxAttempts` for this handler. */
  maxAttempts?: number;
}

/** A handler added at run time with `InboxService.registerHandler`. */
export interface InboxHandlerRegistration {
  /** The destination whose messages it handles (on RabbitMQ: the exchange name). */
  eventType: string;
  /** Its own status, attempts and dead state per message: 1-100 letters, digits, "_", "." or "-". */
  handlerKey: string;
  handle: InboxHandlerFn;
  options?: InboxHandlerOptions;
  /** Names it in logs and errors. @default `<eventType>/<handlerKey>` */
  source?: string;
}
