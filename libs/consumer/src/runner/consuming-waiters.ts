/**
 * Callers of `waitUntilConsuming`: each resolves when deliveries flow, rejects when
 * its own timeout passes first or when the runner stops.
 */
export class ConsumingWaiters {
  private readonly listeners = new Set<(stopped?: Error) => void>();

  /** Resolves at the next `consuming()`; rejects at `stopped()` or after `timeoutMs`. */
  wait(timeoutMs: number, timeoutMessage: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const listener = (stopped?: Error) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        if (stopped) reject(stopped);
        else resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(timeoutMessage));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  /** Deliveries flow: every waiter resolves. */
  consuming(): void {
    [...this.listeners].forEach((listener) => listener());
  }

  /** The runner stopped: every waiter rejects with `error`. */
  stopped(error: Error): void {
    [...this.listeners].forEach((listener) => listener(error));
  }
}
