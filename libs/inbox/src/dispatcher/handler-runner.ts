import type { DataSource } from 'typeorm';
import { type JsonCodec } from '@courier-nest/core';
import {
  handlerPipeline,
  logContextWrapper,
  metricsWrapper,
  timeoutWrapper,
  tracingWrapper,
  type PipelineStep,
} from '@courier-nest/core/internal';
import { HandlerTimeoutError } from '../errors/handler-timeout.error';
import type { RegisteredHandler } from '../inbox.registry';
import type { ClaimedWork, InboxStore } from '../inbox.store';
import type { InboxMessage } from '../interfaces/inbox-message.interface';
import type { InboxMetrics } from '../metrics/inbox.metrics';
import { handlerLogFields } from './handler-log-fields';
import { handlerOutcomeWrapper, type RunResult } from './handler-outcome.wrapper';
import { handlerRunObserver } from './handler-run.observer';
import { HandlerScope } from './handler-scope';
import { handlerTracing } from './handler-tracing';

export type { RunResult } from './handler-outcome.wrapper';

/**
 * Runs one handler for one message through the core handler pipeline: under its
 * timeout (which aborts the handler's signal and fails the attempt; whatever the
 * handler does afterwards is ignored, and a transactional handler's transaction is
 * rolled back), by the inbox's contract (`handlerOutcomeWrapper`), timed for metrics,
 * in the message's trace and in its log fields. The dispatcher settles the result.
 */
export class HandlerRunner {
  private readonly pipeline: PipelineStep<ClaimedWork, HandlerScope, RunResult>;

  constructor(
    private readonly store: InboxStore,
    private readonly dataSource: DataSource,
    private readonly codec: JsonCodec,
    metrics?: Pick<InboxMetrics, 'ran'>,
  ) {
    const outcome = handlerPipeline((work: ClaimedWork, scope: HandlerScope) => this.invoke(work, scope))
      .wrap(
        timeoutWrapper({
          timeoutMs: (_work, scope) => scope.timeoutMs,
          timeoutError: (work, _scope, timeoutMs) => new HandlerTimeoutError(work.handlerKey, timeoutMs),
        }),
      )
      .wrap(handlerOutcomeWrapper());
    this.pipeline = (metrics ? outcome.wrap(metricsWrapper(handlerRunObserver(metrics))) : outcome)
      .wrap(tracingWrapper(handlerTracing))
      .wrap(
        logContextWrapper((work: ClaimedWork) =>
          handlerLogFields(work.messageId, work.eventType, work.handlerKey, work.headers),
        ),
      ).step;
  }

  /**
   * One attempt of `handler` (undefined: none is registered here, the attempt fails) on
   * `work`. `signal`, when given, also aborts the handler's signal (e.g. its lease was
   * lost); the attempt goes on to its end, and a transactional one is rolled back.
   */
  run(
    work: ClaimedWork,
    handler: RegisteredHandler | undefined,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<RunResult> {
    // The outcome wrapper is async: the step returns a promise already, resolve() adds none.
    return Promise.resolve(this.pipeline(work, new HandlerScope(work, handler, timeoutMs, signal)));
  }

  /** The handler itself; the outcome wrapper has checked that there is one. */
  private invoke(work: ClaimedWork, scope: HandlerScope): unknown {
    const handler = scope.handler!;
    const message = this.toMessage(work);
    return handler.options.transactional
      ? this.runInTransaction(work, handler, message, scope)
      : handler.handle(message, scope);
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
      // Past the timeout (or with its lease lost) this attempt is over: roll its effects back.
      if (scope.aborted) throw scope.abortReason;
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
