import type { DataSource } from 'typeorm';
import type { JsonCodec, TraceCarrier } from '@courier/core';
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
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new HandlerTimeoutError(work.handlerKey, timeoutMs));
        resolve('timeout');
      }, timeoutMs);
    });
    try {
      const message = this.toMessage(work);
      const context: InboxHandlerContext = {
        eventType: work.eventType,
        handlerKey: work.handlerKey,
        attempt: work.attempt,
        signal: controller.signal,
      };
      if (trace) {
        context.traceparent = trace.traceparent;
        if (trace.tracestate) context.tracestate = trace.tracestate;
      }
      const execution = handler.options.transactional
        ? this.dataSource.transaction(async (manager) => {
            await handler.handle(message, { ...context, manager });
            // Past the timeout this attempt is over: roll its effects back.
            if (controller.signal.aborted) throw controller.signal.reason;
            const client = await manager.queryRunner!.connect();
            if (!(await this.store.markDone(client, work.messageId, work.handlerKey, work.leaseToken))) {
              throw new Error('the claim was lost (lease expired and re-claimed); effects rolled back');
            }
          })
        : Promise.resolve().then(() => handler.handle(message, context));
      execution.catch(() => undefined); // a late rejection after the timeout is not unhandled
      if ((await Promise.race([execution, timedOut])) === 'timeout') {
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
    } finally {
      clearTimeout(timer);
    }
  }

  private toMessage(work: ClaimedWork): InboxMessage {
    return {
      id: work.messageId,
      eventType: work.eventType,
      type: work.type,
      payload: this.codec.decode(work.payload),
      headers: work.headers,
      occurredAt: work.occurredAt,
      receivedAt: work.receivedAt,
    };
  }
}
