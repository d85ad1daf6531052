import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { MessageLogContext, WireHeaders, type MessageLogFields } from '@courier-nest/core';
import { delay, WakeSignal } from '@courier-nest/core/internal';
import { INBOX_DATA_SOURCE, RESOLVED_INBOX_OPTIONS } from '../inbox.constants';
import type { ResolvedInboxOptions } from '../inbox-options.resolver';
import { InboxRegistry } from '../inbox.registry';
import { InboxStore, runKey, type ClaimedWork, type HandlerPairs, type WorkOutcome } from '../inbox.store';
import { InboxMetrics } from '../metrics/inbox.metrics';
import { HandlerRunner, type RunResult } from './handler-runner';
import { HandlerSlots } from './handler-slots';
import { WAITING_RUNS_PER_SLOT } from './claim-on-receive';

const MAX_ERROR_BACKOFF_MS = 30_000;
const HELD_PER_SLOT = 4;

/** Handler slots held for a receive that stores its rows claimed (see `reserve`). */
export interface DispatchReservation {
  /** How many handler runs the receive may claim. */
  readonly rows: number;
  /** The lease owner and duration to store the claimed rows with. */
  readonly owner: string;
  readonly leaseMs: number;
  /** Runs the rows the receive stored claimed (at most `rows`) and gives back the rest. */
  run(claimed: ClaimedWork[]): void;
  /** Gives the room back (the receive failed). */
  cancel(): void;
}

/**
 * Runs due (message, handler) pairs: claims them in batches with FOR UPDATE SKIP
 * LOCKED under a lease and fencing token, runs up to `dispatcher.concurrency`
 * handlers at once, and settles each batch in one statement. Wakes on receive
 * (in-process and NOTIFY), else polls with jitter.
 */
@Injectable()
export class InboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InboxDispatcher');
  private readonly signal = new WakeSignal();
  private readonly runner: HandlerRunner;
  private readonly batches = new Set<Promise<void>>();
  private loop?: Promise<void>;
  private stopping = false;
  private stopped = new AbortController();
  private readonly slots: HandlerSlots;
  /** Rows claimed and not yet settled: running, waiting for a slot, or for their batch's settle. */
  private held = 0;
  /** Rows that receives reserved and are still storing (see `reserve`). */
  private reserving = 0;
  /** Shutdown gave this process's claims back: runs still waiting for a slot must not start. */
  private claimsGivenBack = false;
  /** The claim loop sleeps until slots free up (not until new work arrives). */
  private waitingForSlots = false;
  private handlerPairs: HandlerPairs = { pairs: [] };
  private longestTimeoutMs = 0;
  private lastExhaustedCheck = 0;

  constructor(
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
    @Inject(INBOX_DATA_SOURCE) dataSource: DataSource,
    private readonly store: InboxStore,
    private readonly registry: InboxRegistry,
    private readonly metrics: InboxMetrics,
  ) {
    this.runner = new HandlerRunner(store, dataSource, options.codec, metrics);
    this.slots = new HandlerSlots(options.dispatcher.concurrency);
    // A handler registered while running (InboxService.registerHandler) is claimed from the next claim on.
    registry.onHandlerAdded(() => this.learnHandlers());
  }

  onApplicationBootstrap(): void {
    if (this.options.dispatcher.enabled) this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  isEnabled(): boolean {
    return this.options.dispatcher.enabled;
  }

  isRunning(): boolean {
    return this.loop !== undefined && !this.stopping;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.claimsGivenBack = false;
    this.stopped = new AbortController();
    this.learnHandlers();
    this.loop = this.run();
  }

  /** Which (event type, handler key) pairs this process claims, and the longest timeout among them. */
  private learnHandlers(): void {
    const handlers = this.registry.all();
    this.handlerPairs = { pairs: handlers.map((h) => `${h.eventType} ${h.handlerKey}`) };
    this.longestTimeoutMs = Math.max(
      this.options.handlerTimeoutMs,
      ...handlers.map((h) => h.options.timeoutMs ?? 0),
    );
  }

  /** Stops claiming, waits for running handlers (bounded), then hands back what it still holds. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.stopped.abort();
    this.signal.notify();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.dispatcher.shutdownTimeoutMs);
    });
    await this.loop;
    const outcome = await Promise.race([Promise.allSettled([...this.batches]), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.logger.warn('Handlers still running at shutdown; releasing their claims');
    this.claimsGivenBack = true;
    await this.store.releaseOwner(this.options.dispatcher.processorId).catch((error: Error) => {
      this.logger.warn(`Could not release claims (they expire on their own): ${error.message}`);
    });
    this.loop = undefined;
  }

  wake(): void {
    this.signal.notifyOne();
  }

  /**
   * Makes room for up to `wanted` handler runs that a receive claims as it stores them
   * (see InboxService.receiveMany): such work needs no claim query and no wake-up. The
   * caller must end the reservation with `run` (the rows it stored claimed) or `cancel`;
   * shutdown waits for it like for a running batch. Null when the dispatcher is not
   * running or holds all it may; the rows are then stored pending as usual.
   *
   * The runs take handler slots as they come free, so they may wait, and their lease
   * covers that wait: runs waiting (or reserved to) are at most WAITING_RUNS_PER_SLOT times
   * `concurrency`, so each starts within that many handler timeouts (every run ahead of
   * it has ended by then), and the lease is that many timeouts longer than a claim's.
   */
  reserve(wanted: number): DispatchReservation | null {
    const mayWait =
      WAITING_RUNS_PER_SLOT * this.options.dispatcher.concurrency - this.slots.waiters - this.reserving;
    const rows = Math.min(wanted, mayWait, this.unheld());
    if (!this.isRunning() || rows <= 0) return null;
    this.held += rows;
    this.reserving += rows;
    let ended = false;
    let end!: () => void;
    const reservation = new Promise<void>((resolve) => (end = resolve));
    this.batches.add(reservation);
    const finish = (used: ClaimedWork[]) => {
      if (ended) throw new Error('This dispatch reservation has already ended');
      ended = true;
      this.reserving -= rows;
      this.held -= rows - used.length;
      // The reservation stays among the batches until its rows are settled: a shutdown
      // that waits on it must not release the claims of handlers still running.
      const settled = used.length > 0 ? this.startBatch(used, { slotsTaken: false }) : Promise.resolve();
      void settled.then(() => {
        this.batches.delete(reservation);
        end();
      });
      if (used.length < rows) this.slotsFreed({ batchEnded: true });
    };
    return {
      rows,
      owner: this.options.dispatcher.processorId,
      leaseMs: this.claimLeaseMs() + WAITING_RUNS_PER_SLOT * this.longestTimeoutMs,
      run: (claimed) => {
        if (claimed.length > rows) throw new Error(`${claimed.length} rows claimed for ${rows} reserved`);
        finish(claimed);
      },
      cancel: () => finish([]),
    };
  }

  private async run(): Promise<void> {
    const { batchSize, processorId } = this.options.dispatcher;
    let errorStreak = 0;
    while (!this.stopping) {
      const seen = this.signal.current;
      // The slots and the room are taken before the claim: its rows start at once.
      const capacity = this.slots.takeFree(Math.min(batchSize, this.unheld()));
      if (capacity <= 0) {
        this.waitingForSlots = true; // freed slots wake us (see slotsFreed)
        await this.signal.sleep(seen, this.pollDelay());
        this.waitingForSlots = false;
        continue;
      }
      this.held += capacity;
      let claimed: ClaimedWork[] = [];
      try {
        await this.deadenExhausted();
        claimed = await this.store.claim(capacity, processorId, this.claimLeaseMs(), this.handlerPairs);
        errorStreak = 0;
      } catch (error) {
        errorStreak++;
        this.logger.error(`Claim failed (attempt ${errorStreak}): ${(error as Error).message}`);
      } finally {
        this.slots.release(capacity - claimed.length);
        this.held -= capacity - claimed.length;
      }
      if (errorStreak > 0) {
        // Not cut short by wakes: a database that is down must not be hammered per message.
        await delay(
          Math.min(MAX_ERROR_BACKOFF_MS, 100 * 2 ** Math.min(errorStreak, 10)),
          this.stopped.signal,
        );
        continue;
      }
      if (claimed.length > 0) this.startBatch(claimed, { slotsTaken: true });
      if (claimed.length < capacity) await this.signal.sleep(seen, this.pollDelay());
    }
  }

  /** Runs a batch whose rows are already counted in `held`; settles it; frees its room. */
  private startBatch(claimed: ClaimedWork[], { slotsTaken }: { slotsTaken: boolean }): Promise<void> {
    const batch = this.runBatch(claimed, slotsTaken)
      .catch((error: Error) =>
        this.logger.error(`Settling a batch failed (its claims will expire): ${error.message}`),
      )
      .finally(() => {
        this.held -= claimed.length;
        this.batches.delete(batch);
        this.slotsFreed({ batchEnded: true });
      });
    this.batches.add(batch);
    return batch;
  }

  /**
   * Room for more claimed rows. A slot frees when its handler run ends, so the next
   * claim overlaps the settle; rows claimed and not yet settled are bounded at
   * HELD_PER_SLOT times `concurrency`, so a slow database cannot make them pile up.
   */
  private unheld(): number {
    return HELD_PER_SLOT * this.options.dispatcher.concurrency - this.held;
  }

  /**
   * Wakes a claim loop that waits for slots: when a batch ends, or when half a claim's
   * worth of slots is free. Not per handler run (a claim per freed slot would cost more
   * than it brings), and never a loop that sleeps for lack of work: freed slots
   * bring it none.
   */
  private slotsFreed({ batchEnded }: { batchEnded: boolean }): void {
    if (!this.waitingForSlots) return;
    const { batchSize, concurrency } = this.options.dispatcher;
    if (batchEnded || this.slots.free >= Math.ceil(Math.min(batchSize, concurrency) / 2)) {
      this.signal.notifyOne();
    }
  }

  private async runBatch(claimed: ClaimedWork[], slotsTaken: boolean): Promise<void> {
    const results = await Promise.all(
      claimed.map(async (work) => {
        const handler = this.registry.get(work.eventType, work.handlerKey);
        const timeoutMs = handler?.options.timeoutMs ?? this.options.handlerTimeoutMs;
        // The handler runs in its message's log fields and trace (HandlerRunner's
        // pipeline); the batch's own bookkeeping below stays outside both.
        if (!slotsTaken) await this.slots.take();
        try {
          // Its claim was given back while it waited (shutdown timed out): it runs elsewhere.
          if (this.claimsGivenBack) return { work, handler, result: null };
          const result = await this.runner.run(work, handler, timeoutMs);
          return { work, handler, result };
        } finally {
          this.slots.release();
          this.slotsFreed({ batchEnded: false });
        }
      }),
    );
    const ran = results.filter((r): r is typeof r & { result: RunResult } => r.result !== null);
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
    const settled = await this.store.settle(outcomes, claimed[0].leaseToken);
    const retryDelays: number[] = [];
    const byRun = new Map(ran.map((r) => [runKey(r.work.messageId, r.work.handlerKey), r]));
    for (const row of settled) {
      const { work, result } = byRun.get(runKey(row.messageId, row.handlerKey))!;
      // Recorded with the status the database settled on: the last failed attempt is `dead`.
      this.metrics.handled(row.handlerKey, row.status, result);
      if (row.status === 'done') continue;
      const error = (result as Extract<RunResult, { error: string }>).error;
      const info = {
        messageId: row.messageId,
        eventType: work.eventType,
        handlerKey: row.handlerKey,
        attempts: row.attempts,
        error,
      };
      if (row.status === 'failed') retryDelays.push(this.options.backoff.delayAfter(work.attempt));
      // The callbacks run in the message's log fields, so users' own lines there carry them.
      await MessageLogContext.run(
        logFields(row.messageId, work.eventType, row.handlerKey, work.headers),
        async () => {
          await this.callback('onError', info, () =>
            this.options.onError?.({ ...info, dead: row.status === 'dead' }),
          );
          if (row.status === 'dead') {
            this.metrics.dead(row.handlerKey);
            this.logger.error(
              `"${row.handlerKey}" is dead for message ${row.messageId} after ${row.attempts} attempts: ${error}`,
            );
            await this.callback('onDead', info, () => this.options.onDead?.(info));
          }
        },
      );
    }
    if (retryDelays.length > 0) this.wakeAfter(Math.min(...retryDelays));
  }

  /** At most once per poll interval: runs whose last attempt died with its worker become dead. */
  private async deadenExhausted(): Promise<void> {
    if (Date.now() - this.lastExhaustedCheck < this.options.dispatcher.pollIntervalMs) return;
    this.lastExhaustedCheck = Date.now();
    for (const row of await this.store.markExhausted(this.handlerPairs)) {
      this.metrics.dead(row.handlerKey);
      const info = {
        messageId: row.messageId,
        eventType: row.eventType,
        handlerKey: row.handlerKey,
        attempts: row.attempts,
        error: row.lastError,
      };
      await MessageLogContext.run(logFields(row.messageId, row.eventType, row.handlerKey), async () => {
        this.logger.error(`"${row.handlerKey}" is dead for message ${row.messageId}: ${row.lastError}`);
        await this.callback('onError', info, () => this.options.onError?.({ ...info, dead: true }));
        await this.callback('onDead', info, () => this.options.onDead?.(info));
      });
    }
  }

  private async callback(
    name: string,
    about: { messageId: string; handlerKey: string },
    call: () => unknown,
  ): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.logger.warn(
        `${name} callback threw for message ${about.messageId} ("${about.handlerKey}"): ${(error as Error).message}`,
      );
    }
  }

  private wakeAfter(ms: number): void {
    if (this.stopping || ms >= this.options.dispatcher.pollIntervalMs) return;
    setTimeout(() => this.wake(), ms + 5).unref();
  }

  /** A claim must outlive the slowest handler run it covers. */
  private claimLeaseMs(): number {
    return this.longestTimeoutMs + this.options.dispatcher.leaseMarginMs;
  }

  private pollDelay(): number {
    const { pollIntervalMs, pollJitter } = this.options.dispatcher;
    return pollIntervalMs * (1 + pollJitter * Math.random());
  }
}

function logFields(
  messageId: string,
  eventType: string,
  handlerKey: string,
  headers?: Record<string, string>,
): MessageLogFields {
  const correlationId = headers?.[WireHeaders.correlationId];
  return correlationId
    ? { messageId, eventType, handlerKey, correlationId }
    : { messageId, eventType, handlerKey };
}
