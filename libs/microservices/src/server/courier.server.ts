import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { REQUEST_RESPONDER, type RequestContext, type RequestResponder } from '@courier-nest/core';
import { InboxService, type InboxHandlerContext, type InboxMessage } from '@courier-nest/inbox';
import { RESOLVED_MICROSERVICES_OPTIONS } from '../courier-microservices.constants';
import type { ResolvedMicroservicesOptions } from '../courier-microservices-options.resolver';
import { CourierMicroservicesConfigurationError } from '../errors/courier-microservices-configuration.error';
import { CourierRequestTransportMissingError } from '../errors/courier-request-transport-missing.error';
import type { CourierEventExtras } from '../interfaces/courier-microservices-options.interface';
import { MicroservicesMessages } from '../microservices.messages';
import { CourierContext } from './courier.context';
import { CourierRequestContext } from './courier-request.context';
import { capturedRun } from './failure-capture';
import { toInboxFailure } from './handler-failure';
import { toReplyError } from './reply-error';
import { handlerKeyFor } from './handler-key';

/** `transportId` of `CourierServer`: `@EventPattern('x', COURIER_TRANSPORT)` binds a handler to it alone. */
export const COURIER_TRANSPORT = Symbol.for('courier:transport');

/**
 * A `@nestjs/microservices` strategy whose `@EventPattern` handlers are inbox handlers: each
 * message is stored once by id, and each handler has its own status, attempts, timeout,
 * retries, dead state and replay (see docs/microservices.md). The transport that feeds the
 * inbox (CourierRabbitMQModule) subscribes to every pattern registered here.
 *
 * Contract of a handler: resolves (or its Observable completes) → done; throws or errors →
 * retried with the inbox backoff, dead after `maxAttempts`; a 4xx exception (a pipe's
 * validation error) or `InboxNonRetryableError` → dead at once (see `toInboxFailure`).
 *
 * @example
 * const app = await NestFactory.create(AppModule);
 * app.connectMicroservice({ strategy: app.get(CourierServer) }, { inheritAppConfig: true });
 * await app.startAllMicroservices();
 * await app.listen(3000);
 */
@Injectable()
export class CourierServer extends Server implements CustomTransportStrategy {
  override readonly transportId = COURIER_TRANSPORT;
  private readonly courierLogger = new Logger('CourierServer');
  /** Event handlers per pattern, each on its own (Nest's base class chains them into one). */
  private readonly eventHandlers = new Map<string, MessageHandler[]>();
  private readonly nonStringPatterns: string[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private listening = false;
  private closed = false;
  private interceptorWarned = false;

  constructor(
    @Inject(RESOLVED_MICROSERVICES_OPTIONS) private readonly options: ResolvedMicroservicesOptions,
    @Optional() private readonly inbox?: InboxService,
    /** Serves `@MessagePattern` handlers (CourierRabbitMQModule provides it). */
    @Optional() @Inject(REQUEST_RESPONDER) private readonly responder?: RequestResponder,
  ) {
    super();
    // The inbox observes each run's outcome, so Nest must not log event handler failures as
    // unhandled. Assigned, not declared: Nest 11's Server has no such property.
    (this as { propagatesEventHandlerErrors?: boolean }).propagatesEventHandlerErrors = true;
  }

  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    if (!isEventHandler) return super.addHandler(pattern, callback, isEventHandler, extras);
    if (typeof pattern !== 'string') {
      this.nonStringPatterns.push(this.normalizePattern(pattern as string));
      return;
    }
    callback.isEventHandler = true;
    callback.extras = extras;
    const handlers = this.eventHandlers.get(pattern) ?? [];
    handlers.push(callback);
    this.eventHandlers.set(pattern, handlers);
    // getHandlers() still lists every pattern, with its first handler.
    if (!this.messageHandlers.has(pattern)) this.messageHandlers.set(pattern, callback);
  }

  /**
   * Registers every `@EventPattern` handler in the inbox (`InboxService.registerHandler`);
   * the transport then subscribes to patterns it had not. Fails, and so does
   * `startAllMicroservices()`, on a `@MessagePattern` handler, a pattern that is no string,
   * a bad handler key or option, or a missing inbox.
   */
  listen(callback: (error?: unknown) => void): void {
    let requests: Promise<void>;
    try {
      requests = this.registerHandlers();
    } catch (error) {
      callback(error);
      return;
    }
    requests.then(
      () => {
        this._status$.next('listening');
        callback();
      },
      (error: unknown) => callback(error),
    );
  }

  /** Takes no new runs, then waits (at most `closeTimeoutMs`) for the runs in flight. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>(
        (resolve) => (timer = setTimeout(resolve, this.options.closeTimeoutMs)),
      );
      await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
      clearTimeout(timer);
    }
    this._status$.next('closed');
  }

  /** CourierServer emits no transport events; listen to the inbox's callbacks (onDead, onError) instead. */
  on(): void {
    return undefined;
  }

  /** The inbox the handlers run from. */
  unwrap<T>(): T {
    return this.inbox as T;
  }

  /** Registers the event handlers in the inbox; resolves once every request queue is served. */
  private registerHandlers(): Promise<void> {
    if (this.listening) return Promise.resolve();
    const requests = [...this.messageHandlers].filter(([, handler]) => !handler.isEventHandler);
    if (requests.length > 0 && !this.responder) {
      throw new CourierRequestTransportMissingError(
        MicroservicesMessages.noRequestResponder(requests.map(([pattern]) => pattern)),
      );
    }
    if (this.eventHandlers.size > 0 && !this.inbox) {
      throw new CourierMicroservicesConfigurationError(MicroservicesMessages.noInbox);
    }
    if (this.nonStringPatterns.length > 0) {
      throw new CourierMicroservicesConfigurationError(
        MicroservicesMessages.notAnEventType(this.nonStringPatterns[0]),
      );
    }
    for (const [pattern, handlers] of this.eventHandlers) {
      let unnamed = 0;
      handlers.forEach((handler) => {
        const extras = (handler.extras ?? {}) as CourierEventExtras;
        const handlerKey = handlerKeyFor(pattern, extras, unnamed);
        if (extras.handlerKey === undefined) unnamed++;
        this.inbox!.registerHandler({
          eventType: pattern,
          handlerKey,
          options: {
            timeoutMs: extras.timeoutMs,
            maxAttempts: extras.maxAttempts,
            transactional: extras.transactional,
          },
          source: `@EventPattern('${pattern}') ${handlerKey}`,
          handle: (message, run) => this.run(handler, message, run),
        });
      });
    }
    this.listening = true;
    return Promise.all(requests.map(([pattern, handler]) => this.serve(pattern, handler))).then(
      () => undefined,
    );
  }

  /**
   * A `@MessagePattern` handler answers the requests of the queue named by its pattern. Its
   * result (or its Observable's last value) is the reply; a throw, after Nest's exception
   * filters, is an error reply with its message and status.
   */
  private serve(pattern: string, handler: MessageHandler): Promise<void> {
    return this.responder!.serve(
      pattern,
      async (payload: unknown, request: RequestContext) => {
        const context = new CourierRequestContext([request]);
        try {
          const result: unknown = await handler(payload, context);
          return await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
        } catch (error) {
          // The exception itself (its message and status) rather than what Nest's filter made of it.
          const captured = capturedRun(context)?.error;
          throw toReplyError(captured ? captured.value : error);
        }
      },
      { prefetch: this.options.requestPrefetch },
    );
  }

  private async run(handler: MessageHandler, message: InboxMessage, run: InboxHandlerContext): Promise<void> {
    if (this.closed) throw new Error(MicroservicesMessages.closed);
    const context = new CourierContext([message, run]);
    const running = this.invoke(handler, message, context);
    this.inFlight.add(running);
    try {
      await running;
    } finally {
      this.inFlight.delete(running);
    }
  }

  private async invoke(
    handler: MessageHandler,
    message: InboxMessage,
    context: CourierContext,
  ): Promise<void> {
    try {
      const result: unknown = await handler(message.payload, context);
      await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
    } catch (error) {
      // The interceptor saw the exception before Nest's filter replaced it; prefer that.
      const captured = capturedRun(context)?.error;
      throw toInboxFailure(captured ? captured.value : error);
    }
    if (!capturedRun(context) && !this.interceptorWarned) {
      this.interceptorWarned = true;
      this.courierLogger.warn(MicroservicesMessages.interceptorMissing);
    }
  }
}
