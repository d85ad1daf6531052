import { LeaseLostError } from '../errors/lease-lost.error';
import type { Claim, LeasedQueue } from './leased-queue.port';
import { LeaseSignal } from './lease-signal';

export interface LeaseKeeperLogger {
  warn(message: string): void;
}

interface Held<W> {
  readonly claim: Claim<W>;
  readonly lease: LeaseSignal;
  /** When the lease was last known to run until (set at hold, moved by each renewal). */
  expiresAt: number;
}

/**
 * Keeps the leases of the claims this process holds alive while it works on them:
 * every third of a lease it renews, in one statement, those a third used up or more.
 * So a lease can be short (a dead process's work is taken within seconds) while a slow
 * run of a live process is never taken from it.
 *
 * A claim whose renewal found no row with its token has lost them: its signal aborts
 * with `LeaseLostError('taken')`. When renewals fail (the database is unreachable) a
 * claim's signal aborts once its lease has run out, with `LeaseLostError('unreachable')`.
 */
export class LeaseKeeper<W> {
  private readonly held = new Map<Claim<W>, Held<W>>();
  private timer?: NodeJS.Timeout;
  private renewing?: Promise<void>;

  constructor(
    private readonly queue: LeasedQueue<W>,
    private readonly leaseMs: number,
    private readonly logger: LeaseKeeperLogger,
  ) {}

  /** How many claims are held. */
  get size(): number {
    return this.held.size;
  }

  /** Every claim held now. */
  claims(): Claim<W>[] {
    return [...this.held.keys()];
  }

  /** Starts renewing `claim` (claimed just now, for `leaseMs`); its signal aborts when the lease is lost. */
  hold(claim: Claim<W>): LeaseSignal {
    const held: Held<W> = { claim, lease: new LeaseSignal(), expiresAt: Date.now() + this.leaseMs };
    this.held.set(claim, held);
    this.timer ??= setInterval(() => void this.renewNow(), Math.max(1, Math.floor(this.leaseMs / 3))).unref();
    return held.lease;
  }

  /** Stops renewing `claim` (settled, or given back). */
  drop(claim: Claim<W>): void {
    this.held.delete(claim);
    if (this.held.size === 0) this.stopTimer();
  }

  /** Aborts every held claim's signal with `reason` (shutdown stopped waiting for them). */
  abortAll(reason: Error): void {
    for (const held of this.held.values()) held.lease.abort(reason);
  }

  /** Stops renewing; waits for a renewal in flight. */
  async stop(): Promise<void> {
    this.stopTimer();
    await this.renewing;
  }

  /** Renews every held claim now (the timer calls this; one renewal at a time). */
  renewNow(): Promise<void> {
    this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renew(): Promise<void> {
    // Only leases a third used up or more: a batch that comes and goes between two ticks
    // (most of them) costs no renewal, and no row version to find its rows by later.
    const due = Date.now() + (this.leaseMs * 2) / 3;
    const batch = [...this.held.values()].filter((held) => held.expiresAt <= due);
    if (batch.length === 0) return;
    const askedAt = Date.now();
    let kept: ReadonlySet<string>;
    try {
      kept = await this.queue.renew(
        batch.map((held) => held.claim),
        this.leaseMs,
      );
    } catch (error) {
      this.logger.warn(`Could not renew ${batch.length} leases: ${(error as Error).message}`);
      const now = Date.now();
      for (const held of batch) {
        if (now >= held.expiresAt) this.lose(held, new LeaseLostError('unreachable'));
      }
      return;
    }
    for (const held of batch) {
      if (kept.has(held.claim.token)) held.expiresAt = askedAt + this.leaseMs;
      else if (this.held.has(held.claim)) this.lose(held, new LeaseLostError('taken'));
    }
  }

  private lose(held: Held<W>, reason: LeaseLostError): void {
    this.held.delete(held.claim);
    held.lease.abort(reason);
    if (this.held.size === 0) this.stopTimer();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
