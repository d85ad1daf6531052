/**
 * One run of a handler: the input (a delivery, a claimed row) and its scope (the signal
 * the handler gets, plus whatever else the caller keeps per run). May return at once:
 * a handler that finishes synchronously pays for no promise.
 */
export type PipelineStep<I, S, R> = (input: I, scope: S) => R | Promise<R>;

/**
 * A layer around a step: timeout, tracing, log context, metrics, or a caller's own (the
 * consumer's settling turns an outcome into an ack). It may change the result's type.
 * Built once, when the pipeline is composed; per run it adds no closure of its own
 * unless it must (see each wrapper).
 */
export type PipelineWrapper<I, S, RIn, ROut = RIn> = (
  next: PipelineStep<I, S, RIn>,
) => PipelineStep<I, S, ROut>;

/** A pipeline being composed, innermost layer first. */
export interface PipelineBuilder<I, S, R> {
  /** The pipeline with `wrapper` around everything added so far. */
  wrap<ROut>(wrapper: PipelineWrapper<I, S, R, ROut>): PipelineBuilder<I, S, ROut>;
  /** The composed step: what a run calls. */
  readonly step: PipelineStep<I, S, R>;
}

/**
 * Composes the cross-cutting behaviour around a handler as small wrappers, each in its
 * own file (watermill's router middleware). Layers are added from the handler outwards,
 * so the code reads in the order a run unwinds:
 *
 * @example
 * const run = handlerPipeline(invoke)
 *   .wrap(timeoutWrapper({ timeoutMs: () => 30_000, timeoutError: (m) => new TimeoutError(m.id) }))
 *   .wrap(tracingWrapper(spans))
 *   .wrap(logContextWrapper(fieldsOf)).step;
 * await run(message, new RunScope(stopSignal));
 */
export function handlerPipeline<I, S, R>(handler: PipelineStep<I, S, R>): PipelineBuilder<I, S, R> {
  return {
    wrap: (wrapper) => handlerPipeline(wrapper(handler)),
    step: handler,
  };
}

/** A promise or another thenable: what a handler may return for work still running. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}
