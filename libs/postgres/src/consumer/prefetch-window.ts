import type { CapacityStrategy } from '@courier-nest/core/internal';

/**
 * A consumer's prefetch as the engine's capacity: at most `prefetch` deliveries handed
 * out and not settled. Each settled delivery frees its place (`release`); the claimers
 * are told when half the window is free or none is held, not per delivery: a claim per
 * freed place would cost more than it brings.
 *
 * A window that holds two full claims (`fullClaim` each; a consumer built for
 * throughput) gets two claimers, so it claims on two connections at once; a smaller one
 * gets one, and polls once per interval when idle, not twice. A second claim starts
 * beside one in flight only while the window has room for a full claim more, also after
 * a resize: two claims running together hand their deliveries out in whichever order
 * they return, so a window of less than two full claims keeps the queue's order exactly.
 */
export class PrefetchWindow implements CapacityStrategy {
  readonly claimers: number;
  readonly inline = false;
  private held = 0;
  private claiming = 0;
  private listener?: () => void;

  constructor(
    private prefetch: number,
    private readonly fullClaim: number,
  ) {
    this.claimers = prefetch >= 2 * fullClaim ? 2 : 1;
  }

  take(wanted: number): number {
    const free = this.prefetch - this.held;
    if (this.claiming > 0 && free < this.fullClaim) return 0;
    const taken = Math.max(0, Math.min(wanted, free));
    if (taken > 0) this.claiming++;
    this.held += taken;
    return taken;
  }

  /** The claim that `take` made room for returned (or failed): `count` places it did not use. */
  giveBack(count: number): void {
    this.claiming--;
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
