/**
 * At most `limit` handler runs at once. A run that finds no free slot waits for one,
 * in arrival order; a freed slot goes to the oldest waiter first.
 */
export class HandlerSlots {
  private taken = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Slots free now (none while runs are waiting). */
  get free(): number {
    return this.limit - this.taken;
  }

  get waiters(): number {
    return this.waiting.length;
  }

  /** Takes up to `wanted` free slots without waiting; returns how many it took. */
  takeFree(wanted: number): number {
    const taken = Math.max(0, Math.min(wanted, this.free));
    this.taken += taken;
    return taken;
  }

  /** Resolves once the caller holds a slot: at once if one is free. */
  take(): Promise<void> {
    if (this.takeFree(1) === 1) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Gives back `count` slots: each to the oldest waiter, or freed. */
  release(count = 1): void {
    for (let i = 0; i < count; i++) {
      const next = this.waiting.shift();
      if (next) next();
      else this.taken--;
    }
  }
}
