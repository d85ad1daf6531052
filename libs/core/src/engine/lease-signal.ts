/**
 * A held claim's abort signal, made only when a processor reads it. Many never do (the
 * relay publishes without one), and an AbortSignal costs more to make than the rest of
 * the engine's bookkeeping for a message stored claimed. An abort that comes before the
 * first read is kept and is the signal's reason once it is made.
 */
export class LeaseSignal {
  private controller?: AbortController;
  private reason?: { value: unknown };

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason.value);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller ? this.controller.signal.aborted : this.reason !== undefined;
  }

  abort(reason: unknown): void {
    if (this.controller) this.controller.abort(reason);
    else this.reason ??= { value: reason };
  }
}
