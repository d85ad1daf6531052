/** One request waiting for its reply. */
interface Pending {
  queue: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The requests of one reply channel, by correlation id. Each settles once: by its reply,
 * by its timeout, or by the channel going away; whatever comes after (a late reply) finds
 * nothing and is dropped, so a reply can never reach another request.
 */
export class PendingRequests {
  private readonly waiting = new Map<string, Pending>();

  get size(): number {
    return this.waiting.size;
  }

  /** Waits for `resolve` / `reject` under `correlationId`; rejects with `onTimeout()` after `timeoutMs`. */
  add<T>(correlationId: string, queue: string, timeoutMs: number, onTimeout: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(correlationId);
        reject(onTimeout());
      }, timeoutMs);
      this.waiting.set(correlationId, { queue, resolve: resolve as (value: unknown) => void, reject, timer });
    });
  }

  /** The queue a waiting request went to; undefined if none waits under that id. */
  queueOf(correlationId: string): string | undefined {
    return this.waiting.get(correlationId)?.queue;
  }

  /** Resolves the request; false if none waits under that id (late, duplicate or foreign). */
  resolve(correlationId: string, value: unknown): boolean {
    const pending = this.take(correlationId);
    pending?.resolve(value);
    return pending !== undefined;
  }

  /** Rejects the request; false if none waits under that id. */
  reject(correlationId: string, error: Error): boolean {
    const pending = this.take(correlationId);
    pending?.reject(error);
    return pending !== undefined;
  }

  /** Rejects every waiting request with the error `errorFor(correlationId)` makes. */
  rejectAll(errorFor: (correlationId: string, queue: string) => Error): void {
    for (const [correlationId, { queue }] of [...this.waiting])
      this.reject(correlationId, errorFor(correlationId, queue));
  }

  private take(correlationId: string): Pending | undefined {
    const pending = this.waiting.get(correlationId);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.waiting.delete(correlationId);
    return pending;
  }
}
