import type { PipelineStep, PipelineWrapper } from '@courier-nest/core/internal';
import { HandlerTimeoutError } from '../errors/handler-timeout.error';
import { InboxNonRetryableError } from '../errors/inbox-non-retryable.error';
import type { ClaimedWork } from '../inbox.store';
import type { HandlerScope } from './handler-scope';

/** How one handler run ended; the dispatcher settles the row by it. */
export type RunResult =
  | { outcome: 'done'; committed: boolean }
  | {
      outcome: 'failed' | 'dead';
      error: string;
      reason: 'error' | 'timeout' | 'non-retryable' | 'no-handler';
    };

/**
 * The inbox's handler contract as a wrapper: return → `done`; throw → `failed` (retried
 * until `maxAttempts`); `InboxNonRetryableError` → `dead` at once; past the timeout →
 * `failed` with reason `timeout`. A run whose handler is not registered in this process
 * fails without running. Never rejects: every end is a result.
 */
export function handlerOutcomeWrapper(): PipelineWrapper<ClaimedWork, HandlerScope, unknown, RunResult> {
  return (next: PipelineStep<ClaimedWork, HandlerScope, unknown>) =>
    async (work: ClaimedWork, scope: HandlerScope): Promise<RunResult> => {
      const handler = scope.handler;
      if (!handler) {
        return {
          outcome: 'failed',
          reason: 'no-handler',
          error: `no handler "${work.handlerKey}" is registered for "${work.eventType}" in this process`,
        };
      }
      try {
        await next(work, scope);
        return { outcome: 'done', committed: handler.options.transactional === true };
      } catch (error) {
        if (error instanceof HandlerTimeoutError && error === scope.abortReason) {
          return { outcome: 'failed', reason: 'timeout', error: `timed out after ${error.timeoutMs} ms` };
        }
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (error instanceof InboxNonRetryableError)
          return { outcome: 'dead', reason: 'non-retryable', error: text };
        return { outcome: 'failed', reason: 'error', error: text };
      }
    };
}
