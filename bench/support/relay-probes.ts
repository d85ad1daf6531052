import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { OutboxDelivery, OutboxPublisher } from '@courier-nest/core';
import { OutboxStore } from '@courier-nest/outbox/outbox.store';

/** What the relay did during one phase, counted from outside. */
export interface RelayActivity {
  /** Claim statements (each its own autocommit transaction), those by committed seqs, those that found nothing. */
  claims: number;
  hintedClaims: number;
  emptyClaims: number;
  claimedRows: number;
  /** Delete statements (each its own transaction) and the rows they removed. */
  deletes: number;
  deletedRows: number;
  /** ms per claim call, pool wait included. */
  claimMs: number[];
  /** ms per delete call, pool wait included. */
  deleteMs: number[];
  /** Connection pool: requests waiting for a connection, sampled every POOL_SAMPLE_MS. */
  poolWaitingMean: number;
  poolWaitingMax: number;
}

/** When each message (by id) passed each step, performance.now() of this process. */
export interface RelaySteps {
  /** Only messages a claim statement took; those stored claimed by this relay have none. */
  claimStarted: Map<string, number>;
  claimed: Map<string, number>;
  publishStarted: Map<string, number>;
  confirmed: Map<string, number>;
}

const POOL_SAMPLE_MS = 5;

/**
 * Watches one relay from outside for the duration of a phase: wraps `OutboxStore`'s
 * claim and delete (prototype, like InboxProbes) and the app's publisher instance,
 * and samples the connection pool the relay shares with the app. A few map writes
 * per batch and per message; `restore()` puts everything back.
 */
export class RelayProbes {
  readonly steps: RelaySteps = {
    claimStarted: new Map(),
    claimed: new Map(),
    publishStarted: new Map(),
    confirmed: new Map(),
  };
  private readonly activity: Omit<RelayActivity, 'poolWaitingMean' | 'poolWaitingMax'> = {
    claims: 0,
    hintedClaims: 0,
    emptyClaims: 0,
    claimedRows: 0,
    deletes: 0,
    deletedRows: 0,
    claimMs: [],
    deleteMs: [],
  };
  private poolSamples = 0;
  private poolWaitingSum = 0;
  private poolWaitingMax = 0;
  private readonly restorers: Array<() => void> = [];

  static install(publisher: OutboxPublisher, pool: Pool): RelayProbes {
    const probes = new RelayProbes();
    probes.wrapStore();
    probes.wrapPublisher(publisher);
    const sampler = setInterval(() => {
      probes.poolSamples++;
      probes.poolWaitingSum += pool.waitingCount;
      probes.poolWaitingMax = Math.max(probes.poolWaitingMax, pool.waitingCount);
    }, POOL_SAMPLE_MS);
    probes.restorers.push(() => clearInterval(sampler));
    return probes;
  }

  read(): RelayActivity {
    return {
      ...this.activity,
      poolWaitingMean: this.poolWaitingSum / Math.max(1, this.poolSamples),
      poolWaitingMax: this.poolWaitingMax,
    };
  }

  restore(): void {
    this.restorers.splice(0).forEach((restore) => restore());
  }

  private wrapStore(): void {
    const store = OutboxStore.prototype;
    const claim = store.claim;
    const deleteConfirmed = store.deleteConfirmed;
    const { activity, steps } = this;
    store.claim = async function (this: OutboxStore, ...args: Parameters<OutboxStore['claim']>) {
      const started = performance.now();
      const rows = await claim.apply(this, args);
      const ended = performance.now();
      activity.claims++;
      activity.claimMs.push(ended - started);
      if ((args[4] ?? []).length > 0) activity.hintedClaims++;
      if (rows.length === 0) activity.emptyClaims++;
      activity.claimedRows += rows.length;
      for (const row of rows) {
        steps.claimStarted.set(row.id, started);
        steps.claimed.set(row.id, ended);
      }
      return rows;
    };
    store.deleteConfirmed = async function (
      this: OutboxStore,
      ...args: Parameters<OutboxStore['deleteConfirmed']>
    ) {
      const started = performance.now();
      const deleted = await deleteConfirmed.apply(this, args);
      if (args[0].length > 0) {
        activity.deletes++;
        activity.deleteMs.push(performance.now() - started);
      }
      activity.deletedRows += deleted.length;
      return deleted;
    };
    this.restorers.push(() => {
      store.claim = claim;
      store.deleteConfirmed = deleteConfirmed;
    });
  }

  private wrapPublisher(publisher: OutboxPublisher): void {
    const publishBatch = publisher.publishBatch;
    const { steps } = this;
    publisher.publishBatch = async (messages: readonly OutboxDelivery[]) => {
      const started = performance.now();
      for (const message of messages) steps.publishStarted.set(message.id, started);
      const results = await publishBatch.call(publisher, messages);
      const at = performance.now();
      for (const message of messages) steps.confirmed.set(message.id, at);
      return results;
    };
    this.restorers.push(() => {
      publisher.publishBatch = publishBatch;
    });
  }
}
