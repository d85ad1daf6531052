import type { CapacityStrategy } from './capacity.strategy';
import { HandlerSlots } from './handler-slots';
import type { ClaimOrigin } from './work-processor.interface';

/** Rows claimed and not yet settled, per handler slot: running, waiting for a slot, or for their batch's settle. */
const HELD_PER_SLOT = 4;

/**
 * Runs a writer may store claimed while the slots are busy, per slot. Three leave room
 * for the RabbitMQ bridge's whole default prefetch (500 deliveries) at the default
 * concurrency (200): with two, a receive that found no room stored its rows pending, to
 * be fetched again by a claim query.
 */
export const WAITING_RUNS_PER_SLOT = 3;

/**
 * One claimer keeps `concurrency` handler slots filled while batches run beside it.
 * A claim takes its slots before it runs, so its rows start at once; rows stored
 * claimed by a writer wait for slots as they come free (their leases are renewed
 * meanwhile). Rows held in all are bounded, so a slow database cannot make them pile up.
 */
export class SlotFilling implements CapacityStrategy {
  readonly claimers = 1;
  readonly inline = false;
  private readonly slots: HandlerSlots;
  private held = 0;
  private reserving = 0;
  private listener?: () => void;

  constructor(
    private readonly concurrency: number,
    private readonly batchSize: number,
  ) {
    this.slots = new HandlerSlots(concurrency);
  }

  take(wanted: number): number {
    const taken = this.slots.takeFree(Math.min(wanted, this.unheld()));
    this.held += taken;
    return taken;
  }

  giveBack(count: number): void {
    this.slots.release(count);
    this.held -= count;
  }

  reserve(wanted: number): number {
    const mayWait = WAITING_RUNS_PER_SLOT * this.concurrency - this.slots.waiters - this.reserving;
    const rows = Math.max(0, Math.min(wanted, mayWait, this.unheld()));
    this.held += rows;
    this.reserving += rows;
    return rows;
  }

  endReservation(reserved: number, used: number): void {
    this.reserving -= reserved;
    this.held -= reserved - used;
    if (used < reserved) this.freed(true);
  }

  settled(count: number): void {
    this.held -= count;
    this.freed(true);
  }

  onFreed(listener: () => void): void {
    this.listener = listener;
  }

  /** Resolves when a run of a claim from `origin` may start: claimed rows hold their slot already. */
  startRun(origin: ClaimOrigin): Promise<void> {
    return origin === 'claimed' ? Promise.resolve() : this.slots.take();
  }

  /** A run ended: its slot goes to a waiting run, or is free for the next claim. */
  endRun(): void {
    this.slots.release();
    this.freed(false);
  }

  private unheld(): number {
    return HELD_PER_SLOT * this.concurrency - this.held;
  }

  /**
   * Tells the claimer when a batch ended or half a claim's worth of slots is free, not
   * per run: a claim per freed slot would cost more than it brings.
   */
  private freed(batchEnded: boolean): void {
    if (batchEnded || this.slots.free >= Math.ceil(Math.min(this.batchSize, this.concurrency) / 2)) {
      this.listener?.();
    }
  }
}
