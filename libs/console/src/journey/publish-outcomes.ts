import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { RelayMessageOutcome } from '@courier-nest/outbox';
import { ConsoleSources } from '../sources/console-sources';

export interface PublishOutcome {
  destination: string;
  outcome: RelayMessageOutcome['status'];
  reason: string | null;
  error: string | null;
  /** When the relay's batch began: the result arrives after the batch settled, later than the publish. */
  at: Date;
}

/** How many outcomes are kept: a published row is deleted, so this is the only trace of it here. */
export const KEPT_OUTCOMES = 10_000;

/** The relay's latest outcome per message id, for the last KEPT_OUTCOMES messages this process published. */
@Injectable()
export class PublishOutcomes implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly outcomes = new Map<string, PublishOutcome>();
  private unsubscribe?: () => void;

  constructor(private readonly sources: ConsoleSources) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.sources.relay?.onBatch((batch) => {
      const at = new Date(Date.now() - batch.durationMs);
      for (const o of batch.outcomes) this.remember(o, at);
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }

  of(id: string): PublishOutcome | null {
    return this.outcomes.get(id) ?? null;
  }

  private remember(outcome: RelayMessageOutcome, at: Date): void {
    // Re-inserted so the Map's order stays oldest first: the first key is the one to drop.
    this.outcomes.delete(outcome.id);
    this.outcomes.set(outcome.id, {
      destination: outcome.destination,
      outcome: outcome.status,
      reason: outcome.reason ?? null,
      error: outcome.error ?? null,
      at,
    });
    if (this.outcomes.size > KEPT_OUTCOMES) this.outcomes.delete(this.outcomes.keys().next().value as string);
  }
}
