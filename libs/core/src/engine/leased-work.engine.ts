import { delay } from '../concurrency/delay';
import { WakeSignal } from '../concurrency/wake-signal';
import type { CapacityStrategy } from './capacity.strategy';
import { errorBackoffMs } from './error-backoff';
import { LeaseKeeper } from './lease-keeper';
import type { Claim, LeasedQueue } from './leased-queue.port';
import { Reservation } from './reservation';
import type { ClaimOrigin, WorkProcessor } from './work-processor.interface';

export interface LeasedWorkOptions {
  readonly batchSize: number;
  /** How long a claim holds its rows without a renewal; renewed every third of it while they are worked on. */
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  /** Each poll waits `pollIntervalMs` times 1 to 1 + `pollJitter`, so processes spread out. */
  readonly pollJitter: number;
  /** How long `stop` waits for work in flight before aborting it and giving its rows back. */
  readonly shutdownTimeoutMs: number;
}

export interface EngineLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const NOT_READY_RECHECK_MS = 250;
const ERROR_LOG_INTERVAL_MS = 5_000;

/**
 * The work loop the outbox relay and the inbox dispatcher share: claims due rows from a
 * leased queue, hands each claim to the processor with a signal that aborts if the
 * lease is lost, keeps the leases alive meanwhile, and stops within a bound.
 *
 * Claimers sleep until woken (`wake`: a commit in this process, a NOTIFY from another)
 * or until a poll interval with jitter passes. A failed claim or batch backs off,
 * doubling up to 30 s, not cut short by wakes. How many claimers run and how much work
 * each may hold is the capacity strategy's.
 */
export class LeasedWorkEngine<W, R> {
  private readonly signal = new WakeSignal();
  private readonly keeper: LeaseKeeper<W>;
  private readonly inFlight = new Set<Promise<unknown>>();
  private claimers: Promise<void>[] = [];
  private stopping = false;
  private stopped = new AbortController();
  private waitingForRoom = 0;
  private lastErrorLoggedAt = 0;

  constructor(
    private readonly queue: LeasedQueue<W>,
    private readonly processor: WorkProcessor<W, R>,
    private readonly capacity: CapacityStrategy,
    private readonly options: LeasedWorkOptions,
    private readonly logger: EngineLogger,
  ) {
    this.keeper = new LeaseKeeper(queue, options.leaseMs, logger);
    capacity.onFreed(() => {
      if (this.waitingForRoom > 0) this.signal.notifyOne();
    });
  }

  /** True between `start` and `stop`. */
  isRunning(): boolean {
    return this.claimers.length > 0 && !this.stopping;
  }

  /** Claims held now, with their leases renewed. */
  get heldClaims(): number {
    return this.keeper.size;
  }

  start(): void {
    if (this.claimers.length > 0) return;
    this.stopping = false;
    this.stopped = new AbortController();
    for (let i = 0; i < this.capacity.claimers; i++) this.claimers.push(this.claimLoop());
  }

  /**
   * Stops claiming, waits for work in flight up to `shutdownTimeoutMs`, then aborts what
   * still runs and gives its rows back, so another process takes them at once.
   */
  async stop(): Promise<void> {
    if (this.claimers.length === 0 && this.inFlight.size === 0 && this.keeper.size === 0) return;
    const claimers = this.haltClaimers();
    if (!(await this.settledWithin([...claimers, ...this.inFlight], this.options.shutdownTimeoutMs))) {
      this.logger.warn('Work still in flight at shutdown; aborting it and giving its rows back');
      this.keeper.abortAll(new Error('The process is shutting down; this work is given back'));
    }
    await this.keeper.stop();
    const held = this.keeper.claims();
    if (held.length > 0) {
      try {
        const released = await this.queue.release(held);
        if (released > 0) this.logger.log(`Gave back ${released} leased rows`);
      } catch (error) {
        this.logger.warn(
          `Could not give leased rows back (their leases expire): ${(error as Error).message}`,
        );
      }
    }
  }

  /**
   * Stops claiming and returns once no claimer runs (a batch claimer after its batch);
   * work in flight goes on, its leases renewed, until it settles or `stop` gives it back.
   * `start` claims again.
   */
  async pause(): Promise<void> {
    await Promise.allSettled(this.haltClaimers());
  }

  /** Tells the claimers to end; returns them (they end after the batch they await, if any). */
  private haltClaimers(): Promise<void>[] {
    this.stopping = true;
    this.stopped.abort();
    this.signal.notify();
    const claimers = this.claimers;
    this.claimers = [];
    return claimers;
  }

  /** Wakes one sleeping claimer: work may be due. */
  wake(): void {
    this.signal.notifyOne();
  }

  /** Wakes a claimer after `ms` (a retry coming due), unless the poll comes first anyway. */
  wakeAfter(ms: number): void {
    if (this.stopping || ms >= this.options.pollIntervalMs) return;
    setTimeout(() => this.wake(), ms + 5).unref();
  }

  /** Claims one batch and processes it in the calling task; null when nothing was due. */
  async pumpOnce(): Promise<R | null> {
    const claim = await this.queue.claim(this.options.batchSize, this.options.leaseMs);
    if (claim.items.length === 0) return null;
    return this.track(this.process(claim, 'claimed'));
  }

  /**
   * Room for up to `wanted` rows that a writer stores already claimed, so they need no
   * claim query and no wake-up. Null when the engine is not running or holds all it may;
   * the rows are then stored due as usual. The writer must end it with `run` or `cancel`.
   */
  reserve(wanted: number): Reservation<W> | null {
    if (!this.isRunning()) return null;
    const rows = this.capacity.reserve(wanted);
    if (rows <= 0) return null;
    // Shutdown waits for a reservation like for a claim in flight, until its rows are settled.
    let ended!: () => void;
    void this.track(new Promise<void>((resolve) => (ended = resolve)));
    return new Reservation<W>(rows, this.options.leaseMs, (claim) => {
      const used = claim?.items.length ?? 0;
      this.capacity.endReservation(rows, used);
      if (used === 0) return ended();
      void this.process(claim!, 'stored').then(noop, this.batchFailed).then(ended);
    });
  }

  private async claimLoop(): Promise<void> {
    let errorStreak = 0;
    // An inline claimer's batches in flight, oldest first (see CapacityStrategy.batchesPerClaimer).
    const batches: Promise<BatchOutcome<R>>[] = [];
    const depth = this.capacity.batchesPerClaimer ?? 1;
    while (!this.stopping) {
      const seen = this.signal.current;
      if (this.processor.isReady && !this.processor.isReady()) {
        await this.signal.sleep(seen, NOT_READY_RECHECK_MS);
        continue;
      }
      const room = this.capacity.take(this.options.batchSize);
      if (room <= 0) {
        this.waitingForRoom++;
        await this.signal.sleep(seen, this.pollDelay());
        this.waitingForRoom--;
        continue;
      }
      let claim: Claim<W>;
      try {
        claim = await this.queue.claim(room, this.options.leaseMs);
      } catch (error) {
        this.capacity.giveBack(room);
        this.processor.claimFailed?.(error as Error);
        await this.backOff(++errorStreak, 'Claim', error);
        continue;
      }
      this.capacity.giveBack(room - claim.items.length);
      const full = claim.items.length === room;
      const processing = claim.items.length > 0 ? this.track(this.process(claim, 'claimed')) : null;
      if (!this.capacity.inline) {
        errorStreak = 0;
        processing?.catch(this.batchFailed);
        if (full) continue;
        await this.signal.sleep(seen, this.pollDelay());
        continue;
      }
      if (processing)
        batches.push(
          processing.then(
            (result) => ({ result }),
            (error: Error) => ({ error }),
          ),
        );
      // A claim that worked and found nothing ends a streak of failures (the database is back).
      else errorStreak = 0;
      // A full batch: more is due, so claim the next while this one is processed.
      if (full && batches.length < depth) continue;
      if (batches.length > 0) {
        const outcome = await batches.shift()!;
        if ('error' in outcome) {
          await this.backOff(++errorStreak, 'Batch', outcome.error);
          continue;
        }
        errorStreak = 0;
        // A full batch: more is waiting than one claimer takes, so recruit another.
        if (full) this.signal.notifyOne();
        if (full || this.processor.claimAgain?.(outcome.result)) continue;
      }
      await this.signal.sleep(seen, this.pollDelay());
    }
    // The claimer ends after its batches (see pause).
    for (const outcome of await Promise.all(batches)) {
      if ('error' in outcome) this.batchFailed(outcome.error);
    }
  }

  private async process(claim: Claim<W>, origin: ClaimOrigin): Promise<R> {
    const lease = this.keeper.hold(claim);
    try {
      // The signal is made only if the processor reads it (see LeaseSignal).
      return await this.processor.process(claim, {
        get signal() {
          return lease.signal;
        },
        origin,
      });
    } finally {
      this.keeper.drop(claim);
      this.capacity.settled(claim.items.length, origin);
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const untrack = () => this.inFlight.delete(work);
    work.then(untrack, untrack);
    return work;
  }

  private readonly batchFailed = (error: Error): void => {
    this.logger.error(`Processing a batch failed (its leases expire, then it runs again): ${error.message}`);
  };

  private async backOff(streak: number, what: string, error: unknown): Promise<void> {
    const now = Date.now();
    if (now - this.lastErrorLoggedAt >= ERROR_LOG_INTERVAL_MS) {
      this.lastErrorLoggedAt = now;
      this.logger.error(`${what} failed (attempt ${streak}): ${(error as Error).message}`);
    }
    await delay(errorBackoffMs(streak), this.stopped.signal);
  }

  private async settledWithin(work: Promise<unknown>[], ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const done = Promise.allSettled(work).then(() => true);
    const finished = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    return finished;
  }

  private pollDelay(): number {
    const { pollIntervalMs, pollJitter } = this.options;
    return pollIntervalMs * (1 + pollJitter * Math.random());
  }
}

function noop(): void {}

/** A batch an inline claimer processed: its result, or what it threw. */
type BatchOutcome<R> = { result: R } | { error: Error };
