import type { RunObserver } from '@courier-nest/core/internal';
import type { ClaimedWork } from '../inbox.store';
import type { InboxMetrics } from '../metrics/inbox.metrics';
import type { RunResult } from './handler-outcome.wrapper';

/**
 * The metrics wrapper's observer for handler runs: each run's duration by handler key
 * (a bounded label). How it was settled is counted after the settle, with the status the
 * database settled on (`InboxMetrics.handled`).
 */
export function handlerRunObserver(metrics: Pick<InboxMetrics, 'ran'>): RunObserver<ClaimedWork, RunResult> {
  return {
    started: () => undefined,
    finished: (work, _result, seconds) => metrics.ran(work.handlerKey, seconds),
    // The outcome wrapper never rejects; were it to, the run still took this long.
    failed: (work, _error, seconds) => metrics.ran(work.handlerKey, seconds),
  };
}
