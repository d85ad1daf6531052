import type { PublishFailureReason } from '@courier-nest/core';

/** What happened to one message of a batch (the seed's per-message PublishError). */
export interface RelayMessageOutcome {
  id: string;
  destination: string;
  status: 'published' | 'failed' | 'dead' | 'unsent';
  reason?: PublishFailureReason;
  error?: string;
  /** ms from the row's write to the broker's confirm. */
  latencyMs?: number;
}

export interface RelayBatchResult {
  claimed: number;
  published: number;
  failed: number;
  dead: number;
  unsent: number;
  /** Confirmed rows another relay had re-claimed meanwhile: published, left for it to settle. */
  fenced: number;
  durationMs: number;
  outcomes: RelayMessageOutcome[];
}

/** Receives every batch result; the metrics provider is one. */
export interface RelayObserver {
  onBatch(result: RelayBatchResult): void;
}
