import type { Claim, ProcessContext, SlotFilling, WorkProcessor } from '@courier-nest/core/internal';
import type { ResolvedInboxOptions } from '../inbox-options.resolver';
import type { InboxRegistry } from '../inbox.registry';
import { runKey, type ClaimedWork, type InboxStore, type WorkOutcome } from '../inbox.store';
import type { InboxMetrics } from '../metrics/inbox.metrics';
import type { HandlerRunner, RunResult } from './handler-runner';
import type { RunReporter } from './run.reporter';

interface Ran {
  work: ClaimedWork;
  result: RunResult;
}

/**
 * Runs a claimed batch of handler runs in the handler slots, then settles it in one
 * statement fenced by the claim's token, and reports the runs that failed or died.
 * A run whose claim was lost or given back while it waited for a slot does not start:
 * it runs elsewhere.
 */
export class DispatchBatchProcessor implements WorkProcessor<ClaimedWork, void> {
  constructor(
    private readonly runner: HandlerRunner,
    private readonly registry: InboxRegistry,
    private readonly store: InboxStore,
    private readonly slots: SlotFilling,
    private readonly options: ResolvedInboxOptions,
    private readonly metrics: Pick<InboxMetrics, 'handled'>,
    private readonly reporter: RunReporter,
    private readonly retryAfter: (delayMs: number) => void,
  ) {}

  async process(claim: Claim<ClaimedWork>, { signal, origin }: ProcessContext): Promise<void> {
    const runs = await Promise.all(claim.items.map((work) => this.runOne(work, origin, signal)));
    const ran = runs.filter((run): run is Ran => run !== null);
    const outcomes: WorkOutcome[] = [];
    for (const { work, result } of ran) {
      if (result.outcome === 'done' && result.committed) {
        this.metrics.handled(work.handlerKey, 'done', result);
        continue; // settled in its own transaction
      }
      outcomes.push({
        messageId: work.messageId,
        handlerKey: work.handlerKey,
        rowId: work.rowId,
        outcome: result.outcome,
        error: result.outcome === 'done' ? null : result.error,
        delayMs: this.options.backoff.delayAfter(work.attempt),
      });
    }
    const settled = await this.store.settle(outcomes, claim.token);
    const retryDelays: number[] = [];
    const byRun = new Map(ran.map((run) => [runKey(run.work.messageId, run.work.handlerKey), run]));
    for (const row of settled) {
      const { work, result } = byRun.get(runKey(row.messageId, row.handlerKey))!;
      // Recorded with the status the database settled on: the last failed attempt is `dead`.
      this.metrics.handled(row.handlerKey, row.status, result);
      if (row.status === 'done') continue;
      if (row.status === 'failed') retryDelays.push(this.options.backoff.delayAfter(work.attempt));
      const error = (result as Extract<RunResult, { error: string }>).error;
      await this.reporter.failed(
        { ...row, eventType: work.eventType, error, headers: work.headers },
        row.status === 'dead',
      );
    }
    if (retryDelays.length > 0) this.retryAfter(Math.min(...retryDelays));
  }

  private async runOne(
    work: ClaimedWork,
    origin: ProcessContext['origin'],
    signal: AbortSignal,
  ): Promise<Ran | null> {
    const handler = this.registry.get(work.eventType, work.handlerKey);
    const timeoutMs = handler?.options.timeoutMs ?? this.options.handlerTimeoutMs;
    await this.slots.startRun(origin);
    try {
      if (signal.aborted) return null;
      return { work, result: await this.runner.run(work, handler, timeoutMs, signal) };
    } finally {
      this.slots.endRun();
    }
  }
}
