import { performance } from 'node:perf_hooks';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { OutboxConfigurationError } from '../errors/outbox-configuration.error';
import { OUTBOX_PUBLISHER, type OutboxPublisher, type PublishResult } from '@courier-nest/core';
import { RESOLVED_OUTBOX_OPTIONS } from '../outbox.constants';
import { OutboxMessages } from '../outbox.messages';
import type { ResolvedOutboxOptions } from '../outbox-options.resolver';
import { OutboxStore, type ClaimedRow } from '../outbox.store';
import type { RelayBatchResult, RelayObserver } from './relay-batch-result.interface';
import { delay, WakeSignal } from '@courier-nest/core/internal';
import { emptyResult, sortOutcomes } from './batch-outcomes';
import { ScheduledMessagesMover } from './scheduled-messages.mover';

export const RELAY_OBSERVER = Symbol.for('courier:outbox-relay-observer');

const NOT_READY_RECHECK_MS = 250;
/** Committed seqs kept for claiming by key; past this, workers search the table. */
const MAX_HINTS = 10_000;
const MAX_ERROR_BACKOFF_MS = 30_000;

/**
 * Moves committed outbox rows to the broker. One per process, any number per database:
 * each batch is claimed with FOR UPDATE SKIP LOCKED under a lease stamped with a fresh
 * fencing token, published pipelined, and settled only where the token still matches,
 * so a relay that stalled past its lease cannot settle rows another relay re-claimed.
 *
 * `relay.concurrency` workers loop: pump while batches come back full, otherwise sleep
 * until woken (commit in this process, NOTIFY from any) or the poll interval passes.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly signal = new WakeSignal();
  private workers: Promise<void>[] = [];
  private stopping = false;
  private stopped = new AbortController();
  private lastErrorLoggedAt = 0;
  private hints: string[] = [];
  private readonly batchListeners = new Set<(result: RelayBatchResult) => void>();

  constructor(
    @Inject(RESOLVED_OUTBOX_OPTIONS) private readonly options: ResolvedOutboxOptions,
    private readonly store: OutboxStore,
    private readonly scheduled: ScheduledMessagesMover,
    @Optional() @Inject(OUTBOX_PUBLISHER) private readonly publisher?: OutboxPublisher,
    @Optional() @Inject(RELAY_OBSERVER) private readonly observer?: RelayObserver,
  ) {}

  get processorId(): string {
    return this.options.relay.processorId;
  }

  /** True while the workers run (between bootstrap and shutdown). */
  isRunning(): boolean {
    return this.workers.length > 0 && !this.stopping;
  }

  /** True when the transport would accept a publish now. */
  isPublisherReady(): boolean {
    return this.publisher?.isReady() ?? false;
  }

  onApplicationBootstrap(): void {
    if (this.options.relay.enabled) this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts the workers; called at bootstrap when `relay.enabled`. */
  start(): void {
    this.requirePublisher();
    if (this.workers.length > 0) return;
    this.stopping = false;
    this.stopped = new AbortController();
    for (let i = 0; i < this.options.relay.concurrency; i++) this.workers.push(this.work());
    // Scheduled messages reach the outbox while a relay runs, moved when they come due.
    this.scheduled.start((seqs) => this.wake(seqs));
    this.logger.log(`Relay ${this.processorId} started (${this.options.relay.concurrency} workers)`);
  }

  /**
   * Stops claiming, waits for in-flight batches up to `relay.shutdownTimeoutMs`, then
   * releases whatever this relay still holds so another relay can take it at once.
   */
  async stop(): Promise<void> {
    if (this.workers.length === 0) return;
    this.stopping = true;
    this.stopped.abort();
    this.signal.notify();
    const moverStopped = this.scheduled.stop();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.relay.shutdownTimeoutMs);
    });
    const outcome = await Promise.race([Promise.allSettled([...this.workers, moverStopped]), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      this.logger.warn('In-flight batches did not finish in time; releasing their leases');
    try {
      const released = await this.store.releaseOwner(this.processorId);
      if (released > 0) this.logger.log(`Released ${released} leased rows`);
    } catch (error) {
      this.logger.warn(`Could not release leases (they expire on their own): ${(error as Error).message}`);
    }
    this.workers = [];
  }

  /**
   * Calls `listener` with every settled batch, per-message outcomes included (e.g. to
   * log which messages failed and why). Returns a function that unsubscribes.
   */
  onBatch(listener: (result: RelayBatchResult) => void): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  /**
   * Wakes a sleeping worker: something was committed. `committedSeqs`, from this
   * process's own commits, lets the worker claim exactly those rows (unordered mode;
   * per-key mode must look for each key's head instead).
   */
  wake(committedSeqs?: readonly string[]): void {
    if (committedSeqs && this.options.ordering === 'unordered' && this.hints.length < MAX_HINTS) {
      this.hints.push(...committedSeqs);
    }
    this.signal.notifyOne();
  }

  /**
   * Claims, publishes and settles one batch now, in the calling task. For tests and
   * custom loops; the workers call it too.
   */
  async pumpOnce(): Promise<RelayBatchResult> {
    const publisher = this.requirePublisher();
    const started = performance.now();
    const { batchSize, leaseMs } = this.options.relay;
    // Hinted rows may already be gone (another relay, an earlier batch): then the
    // claim returns fewer, and the next wake or poll searches the table as usual.
    const perKey = this.options.ordering === 'per-key';
    const hinted = this.hints.splice(0, batchSize);
    let rows = await this.store.claim(batchSize, this.processorId, leaseMs, perKey, hinted);
    if (hinted.length > 0 && rows.length === 0)
      rows = await this.store.claim(batchSize, this.processorId, leaseMs, perKey);
    if (rows.length === 0) return emptyResult(performance.now() - started);
    const claimedAt = performance.now();
    const results = await publisher.publishBatch(rows);
    const sinceClaim = performance.now() - claimedAt;
    const result = await this.settle(rows, results, sinceClaim, started);
    this.observer?.onBatch(result);
    this.batchListeners.forEach((listener) => {
      try {
        listener(result);
      } catch (error) {
        // The batch is settled; a listener's bug must not look like a failed batch.
        this.logger.warn(`onBatch listener threw: ${(error as Error).message}`);
      }
    });
    return result;
  }

  private async settle(
    rows: ClaimedRow[],
    results: PublishResult[],
    sinceClaimMs: number,
    started: number,
  ): Promise<RelayBatchResult> {
    const token = rows[0].leaseToken;
    const { confirmed, failures, unsent, unsentError, outcomes } = sortOutcomes(
      rows,
      results,
      sinceClaimMs,
      this.options.relay.backoff,
    );
    const [deleted, failed] = await Promise.all([
      this.store.deleteConfirmed(confirmed, token),
      this.store.markFailed(failures, token, this.options.relay.maxAttempts),
      this.store.release(unsent, token, `unsent: ${unsentError}`, this.options.relay.unsentRetryDelayMs),
    ]);
    const retryDelays = failures.map((f) => f.delayMs);
    if (unsent.length > 0) retryDelays.push(this.options.relay.unsentRetryDelayMs);
    if (retryDelays.length > 0) this.wakeAfter(Math.min(...retryDelays));
    const dead = new Set(failed.dead);
    if (dead.size > 0) {
      const deadIds: string[] = [];
      rows.forEach((row, i) => {
        if (!dead.has(row.seq)) return;
        outcomes[i].status = 'dead';
        deadIds.push(row.id);
      });
      this.logger.error(OutboxMessages.deadMessages(deadIds, this.options.relay.maxAttempts));
    }
    const fenced = confirmed.length - deleted;
    if (fenced > 0) {
      this.logger.warn(
        `${fenced} confirmed rows had been re-claimed by another relay (lease expired); left to it`,
      );
    }
    return {
      claimed: rows.length,
      published: confirmed.length,
      failed: failures.length - dead.size,
      dead: dead.size,
      unsent: unsent.length,
      fenced,
      durationMs: performance.now() - started,
      outcomes,
    };
  }

  private async work(): Promise<void> {
    const { batchSize } = this.options.relay;
    const perKey = this.options.ordering === 'per-key';
    let errorStreak = 0;
    while (!this.stopping) {
      const seen = this.signal.current;
      if (!this.publisher?.isReady()) {
        await this.signal.sleep(seen, NOT_READY_RECHECK_MS);
        continue;
      }
      try {
        const result = await this.pumpOnce();
        errorStreak = 0;
        if (result.claimed === batchSize) {
          // More is waiting than one worker takes: recruit another, keep going.
          this.signal.notifyOne();
          continue;
        }
        // Per-key: publishing a key's head made its next message claimable.
        if (perKey && result.published > 0) continue;
        // Commits arrived meanwhile with their rows named: claim them now.
        if (this.hints.length > 0) continue;
      } catch (error) {
        errorStreak++;
        this.logThrottled(`Relay batch failed (attempt ${errorStreak}): ${(error as Error).message}`);
        // Not interruptible by wakes: a database that is down must not be hammered per commit.
        await delay(
          Math.min(MAX_ERROR_BACKOFF_MS, 100 * 2 ** Math.min(errorStreak, 10)),
          this.stopped.signal,
        );
        continue;
      }
      await this.signal.sleep(seen, this.pollDelay());
    }
  }

  /** Retries become due by the clock, not by a commit: wake then instead of at the next poll. */
  private wakeAfter(ms: number): void {
    if (this.stopping || ms >= this.options.relay.pollIntervalMs) return;
    setTimeout(() => this.wake(), ms + 5).unref();
  }

  private pollDelay(): number {
    const { pollIntervalMs, pollJitter } = this.options.relay;
    return pollIntervalMs * (1 + pollJitter * Math.random());
  }

  private logThrottled(message: string): void {
    const now = Date.now();
    if (now - this.lastErrorLoggedAt < 5_000) return;
    this.lastErrorLoggedAt = now;
    this.logger.error(message);
  }

  private requirePublisher(): OutboxPublisher {
    if (!this.publisher) throw new OutboxConfigurationError(OutboxMessages.publisherMissing);
    return this.publisher;
  }
}
