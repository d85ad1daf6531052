import type { DataSource, EntityManager } from 'typeorm';
import { type JsonCodec } from '@courier-nest/core';
import { raceDeadline, type TraceCarrier } from '@courier-nest/core/internal';
import { HandlerTimeoutError } from '../errors/handler-timeout.error';
import { InboxNonRetryableError } from '../errors/inbox-non-retryable.error';
import type { RegisteredHandler } from '../inbox.registry';
import type { ClaimedWork, InboxStore } from '../inbox.store';
import type { InboxHandlerContext } from '../interfaces/inbox-handler.interface';
import type { InboxMessage } from '../interfaces/inbox-message.interface';

export type RunResult =
  | { outcome: 'done'; durationMs: number; committed: boolean }
  | {
      outcome: 'failed' | 'dead';
      durationMs: number;
      error: string;
      reason: 'error' | 'timeout' | 'non-retryable' | 'no-handler';
    };

/**
 * The context a handler gets. Its signal is made only if the handler reads it: most
 * never do, and an AbortController per run was a visible share of the dispatcher's
 * own CPU time.
 */
class HandlerScope implements InboxHandlerContext {
  traceparent?: string;
  tracestate?: string;
  manager?: EntityManager;
  /** Why the run was aborted (its timeout), once it was. */
  abortedWith?: Error;
  private controller?: AbortController;

  constructor(
    readonly eventType: string,
    readonly handlerKey: string,
    readonly attempt: number,
    trace: TraceCarrier | null,
  ) {
    if (trace) {
      this.traceparent = trace.traceparent;
      if (trace.tracestate) this.tracestate = trace.tracestate;
    }
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedWith) this.controller.abort(this.abortedWith);
    }
    return this.controller.signal;
  }

  abort(reason: Error): void {
    this.abortedWith = reason;
    this.controller?.abort(reason);
  }
}

/**
 * Runs one handler for one message under its timeout. The timeout aborts the
 * handler's signal and fails the attempt; whatever the handler does afterwards is
 * ignored (for a transactional handler, its transaction is rolled back).
 */
export class HandlerRunner {
  constructor(
    private readonly store: InboxStore,
    private readonly dataSource: DataSource,
    private readonly codec: JsonCodec,
  ) {}

  async run(
    work: ClaimedWork,
    handler: RegisteredHandler | undefined,
    timeoutMs: number,
    trace: TraceCarrier | null = null,
  ): Promise<RunResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    if (!handler) {
      return {
        outcome: 'failed',
        reason: 'no-handler',
        durationMs: 0,
        error: `no handler "${work.handlerKey}" is registered for "${work.eventType}" in this process`,
      };
    }
    const scope = new HandlerScope(work.eventType, work.handlerKey, work.attempt, trace);
    try {
      const message = this.toMessage(work);
      const execution = handler.options.transactional
        ? this.runInTransaction(work, handler, message, scope)
        : handler.handle(message, scope);
      // A handler that returned without a promise is done: no timer, no race.
      if (!isPromiseLike(execution)) return { outcome: 'done', durationMs: elapsed(), committed: false };
      // The deadline counts from the start, the handler's synchronous part included.
      const outcome = await raceDeadline(Promise.resolve(execution), timeoutMs - elapsed(), () =>
        scope.abort(new HandlerTimeoutError(work.handlerKey, timeoutMs)),
      );
      if (outcome.timedOut) {
        return {
          outcome: 'failed',
          reason: 'timeout',
          durationMs: elapsed(),
          error: `timed out after ${timeoutMs} ms`,
        };
      }
      return { outcome: 'done', durationMs: elapsed(), committed: handler.options.transactional === true };
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (error instanceof InboxNonRetryableError) {
        return { outcome: 'dead', reason: 'non-retryable', durationMs: elapsed(), error: text };
      }
      return { outcome: 'failed', reason: 'error', durationMs: elapsed(), error: text };
    }
  }

  /** The handler and its done-mark in one transaction; rolled back if the attempt is over. */
  private runInTransaction(
    work: ClaimedWork,
    handler: RegisteredHandler,
    message: InboxMessage,
    scope: HandlerScope,
  ): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      scope.manager = manager;
      await handler.handle(message, scope);
      // Past the timeout this attempt is over: roll its effects back.
      if (scope.abortedWith) throw scope.abortedWith;
      const client = await manager.queryRunner!.connect();
      if (!(await this.store.markDone(client, work.messageId, work.handlerKey, work.leaseToken))) {
        throw new Error('the claim was lost (lease expired and re-claimed); effects rolled back');
      }
    });
  }

  private toMessage(work: ClaimedWork): InboxMessage {
    return {
      id: work.messageId,
      eventType: work.eventType,
      type: work.type,
      payload: work.decodedPayload !== undefined ? work.decodedPayload : this.codec.decode(work.payload),
      headers: work.headers,
      occurredAt: work.occurredAt,
      receivedAt: work.receivedAt,
    };
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
