/**
 * The abort side of one handler run: the `signal` a handler gets aborts when the run's
 * timeout passes (`abort`, called by the timeout wrapper) or when `external` aborts (a
 * runner stopping for good, a lease that could not be renewed).
 *
 * The signal is made only if the handler reads it: most never do, and an
 * AbortController per run (worse, `AbortSignal.any`, which on Node 20 keeps a reference
 * in the long-lived external signal per call) costs more than the rest of a runner's
 * bookkeeping. Subclasses add what their handlers' context carries.
 */
export class RunScope {
  private controller?: AbortController;
  private abortedWith?: Error;
  private unlink?: () => void;
  private disposed = false;

  constructor(private readonly external?: AbortSignal) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = (this.controller = new AbortController());
      const external = this.external;
      if (this.abortedWith !== undefined) controller.abort(this.abortedWith);
      else if (external?.aborted) controller.abort(external.reason);
      // A signal read after the run ended must not stay listening to a long-lived one.
      else if (external && !this.disposed) {
        const onAbort = () => controller.abort(external.reason);
        external.addEventListener('abort', onAbort, { once: true });
        this.unlink = () => external.removeEventListener('abort', onAbort);
      }
    }
    return this.controller.signal;
  }

  /** True once the run was aborted, by its timeout or from outside. */
  get aborted(): boolean {
    return this.abortedWith !== undefined || this.external?.aborted === true;
  }

  /** Why the run was aborted (its own abort first), or undefined while it was not. */
  get abortReason(): unknown {
    if (this.abortedWith !== undefined) return this.abortedWith;
    return this.external?.aborted ? this.external.reason : undefined;
  }

  /** Aborts this run alone (its timeout passed); the first reason stays. */
  abort(reason: Error): void {
    if (this.abortedWith !== undefined) return;
    this.abortedWith = reason;
    this.controller?.abort(reason);
  }

  /** Stops listening to the external signal: call once the run is over. */
  dispose(): void {
    this.disposed = true;
    this.unlink?.();
    this.unlink = undefined;
  }
}
