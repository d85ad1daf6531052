import { performance } from 'node:perf_hooks';
import type { Logger } from '@nestjs/common';
import type { PublishResult } from '@courier-nest/core';
import { OutboxMessages } from '../outbox.messages';
import type { ResolvedOutboxOptions } from '../outbox-options.resolver';
import type { ClaimedRow, OutboxStore } from '../outbox.store';
import { sortOutcomes } from './batch-outcomes';
import { ConfirmedRowsDeleter } from './confirmed-rows.deleter';
import type { RelayBatchResult } from './relay-batch-result.interface';

/**
 * Settles a published batch in one round of statements, each fenced by the claim's
 * token: confirmed rows are deleted, failed ones scheduled for retry (or dead on the
 * last attempt), unsent ones released for a later try.
 */
export class RelayBatchSettler {
  private readonly deleter: ConfirmedRowsDeleter;

  constructor(
    private readonly store: OutboxStore,
    private readonly options: ResolvedOutboxOptions['relay'],
    private readonly logger: Logger,
  ) {
    this.deleter = new ConfirmedRowsDeleter(store);
  }

  /**
   * Settles `rows` (claimed under `token`) by their publish `results`. Resolves with
   * the batch's result and the shortest retry delay it scheduled, if any.
   */
  async settle(
    rows: readonly ClaimedRow[],
    token: string,
    results: readonly PublishResult[],
    timing: { started: number; sinceClaimMs: number },
  ): Promise<{ result: RelayBatchResult; retryInMs: number | null }> {
    const { backoff, maxAttempts, unsentRetryDelayMs } = this.options;
    const sorted = sortOutcomes(rows, results, timing.sinceClaimMs, backoff);
    const { confirmed, failures, unsent, unsentError, outcomes } = sorted;
    const [deleted, failed] = await Promise.all([
      this.deleter.delete(confirmed),
      this.store.markFailed(failures, token, maxAttempts),
      this.store.release(unsent, token, `unsent: ${unsentError}`, unsentRetryDelayMs),
    ]);
    const retryDelays = failures.map((f) => f.delayMs);
    if (unsent.length > 0) retryDelays.push(unsentRetryDelayMs);
    const dead = new Set(failed.dead);
    if (dead.size > 0) {
      const deadIds: string[] = [];
      rows.forEach((row, i) => {
        if (!dead.has(row.seq)) return;
        outcomes[i].status = 'dead';
        deadIds.push(row.id);
      });
      this.logger.error(OutboxMessages.deadMessages(deadIds, maxAttempts));
    }
    const fenced = confirmed.length - deleted;
    if (fenced > 0) {
      this.logger.warn(
        `${fenced} confirmed rows had been re-claimed by another relay (lease expired); left to it`,
      );
    }
    const result: RelayBatchResult = {
      claimed: rows.length,
      published: confirmed.length,
      failed: failures.length - dead.size,
      dead: dead.size,
      unsent: unsent.length,
      fenced,
      durationMs: performance.now() - timing.started,
      outcomes,
    };
    return { result, retryInMs: retryDelays.length > 0 ? Math.min(...retryDelays) : null };
  }
}
