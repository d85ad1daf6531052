import type { CapacityStrategy } from '@courier-nest/core/internal';

/**
 * A consumer's prefetch as the engine's capacity: one claimer, and at most `prefetch`
 * deliveries handed out and not settled. Each settled delivery frees its place
 * (`release`); the claimer is told when half the window is free or none is held, not
 * per delivery: a claim per freed place would cost more than it brings.
 */
export class PrefetchWindow implements CapacityStrategy {
  readonly claimers = 1;
  readonly inline = false;
  private held = 0;
  private listener?: () => void;

  constructor(private prefetch: number) {}

  take(wanted: number): number {
    const taken = Math.max(0, Math.min(wanted, this.prefetch - this.held));
    this.held += taken;
    return taken;
  }

  giveBack(count: number): void {
    this.held -= count;
  }

  /** Nothing is stored claimed on the bus: a publish only wakes the consumers. */
  reserve(): number {
    return 0;
  }

  endReservation(): void {}

  /** Places are freed per delivery (`release`), not per claim. */
  settled(): void {}

  onFreed(listener: () => void): void {
    this.listener = listener;
  }

  /** `count` deliveries were settled (or given back). */
  release(count: number): void {
    this.held -= count;
    if (this.held === 0 || this.prefetch - this.held >= Math.ceil(this.prefetch / 2)) this.listener?.();
  }

  resize(prefetch: number): void {
    this.prefetch = prefetch;
    this.listener?.();
  }
}
