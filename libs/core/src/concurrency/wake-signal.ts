/**
 * Lets workers (relay, dispatcher) sleep until woken or until a timeout. A wake that arrives while
 * a worker is busy is not lost: the worker compares generations before sleeping.
 */
export class WakeSignal {
  private generation = 0;
  private readonly sleepers = new Set<() => void>();

  get current(): number {
    return this.generation;
  }

  /** Wakes every sleeper (shutdown). */
  notify(): void {
    this.generation++;
    for (const wake of [...this.sleepers]) wake();
  }

  /**
   * Wakes one sleeper: one commit is one claim's worth of work, and waking every
   * worker for it would only make the others claim nothing. A worker that finds more
   * than a batch recruits the next one (see OutboxRelay).
   */
  notifyOne(): void {
    this.generation++;
    const [first] = this.sleepers;
    first?.();
  }

  /** Resolves at the next `notify` after `seenGeneration`, or after `timeoutMs`. */
  sleep(seenGeneration: number, timeoutMs: number): Promise<void> {
    if (this.generation !== seenGeneration) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.sleepers.add(wake);
    });
  }
}
