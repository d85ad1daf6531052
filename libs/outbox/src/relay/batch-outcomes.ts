import type { BackoffPolicy } from '@courier-nest/core';
import type { PublishResult } from '@courier-nest/core';
import type { ClaimedRow, ConfirmedRow } from '../outbox.store';
import type { RelayBatchResult, RelayMessageOutcome } from './relay-batch-result.interface';

/** What a batch's publish results mean for its rows: which to delete, retry or release. */
export interface BatchOutcomes {
  confirmed: ConfirmedRow[];
  failures: Array<{ seq: string; error: string; delayMs: number }>;
  unsent: string[];
  /** The last `unsent` reason, recorded on the released rows. */
  unsentError: string;
  outcomes: RelayMessageOutcome[];
}

/**
 * Sorts publish results into settle actions. A missing result counts as unsent (never
 * as confirmed): a row leaves the outbox only on an explicit confirm.
 */
export function sortOutcomes(
  rows: readonly ClaimedRow[],
  results: readonly PublishResult[],
  sinceClaimMs: number,
  backoff: BackoffPolicy,
): BatchOutcomes {
  const sorted: BatchOutcomes = { confirmed: [], failures: [], unsent: [], unsentError: '', outcomes: [] };
  rows.forEach((row, i) => {
    const result = results[i] ?? { status: 'unsent', error: 'publisher returned no result' };
    const base = { id: row.id, destination: row.destination };
    switch (result.status) {
      case 'confirmed':
        sorted.confirmed.push({ seq: row.seq, rowId: row.rowId, leaseToken: row.leaseToken });
        sorted.outcomes.push({ ...base, status: 'published', latencyMs: row.ageMs + sinceClaimMs });
        break;
      case 'failed':
        sorted.failures.push({
          seq: row.seq,
          error: `${result.reason}: ${result.error}`,
          delayMs: backoff.delayAfter(row.attempts + 1),
        });
        sorted.outcomes.push({ ...base, status: 'failed', reason: result.reason, error: result.error });
        break;
      case 'unsent':
        sorted.unsent.push(row.seq);
        sorted.unsentError = result.error;
        sorted.outcomes.push({ ...base, status: 'unsent', error: result.error });
        break;
    }
  });
  return sorted;
}

export function emptyResult(durationMs: number): RelayBatchResult {
  return { claimed: 0, published: 0, failed: 0, dead: 0, unsent: 0, fenced: 0, durationMs, outcomes: [] };
}
