import { isPromiseLike, type PipelineStep, type PipelineWrapper } from './handler-pipeline';

/**
 * What the metrics wrapper reports about each run. An implementation maps runs onto its
 * own metric names and bounded labels (the consumer's queue and settlement, the inbox's
 * handler key), so the wrapper knows no metric. Every call must be cheap and not throw.
 */
export interface RunObserver<I, R> {
  /** The run is starting. */
  started(input: I): void;
  /** The run returned `result` after `durationSeconds`. */
  finished(input: I, result: R, durationSeconds: number): void;
  /** The run threw or rejected after `durationSeconds`. */
  failed(input: I, error: unknown, durationSeconds: number): void;
}

/**
 * Reports each run's start, result and duration to `observer`: one wrapper around the
 * handler rather than counters written into a runner's logic.
 */
export function metricsWrapper<I, S, R>(observer: RunObserver<I, R>): PipelineWrapper<I, S, R> {
  return (next: PipelineStep<I, S, R>) =>
    (input: I, scope: S): R | Promise<R> => {
      const started = performance.now();
      observer.started(input);
      let result: R | PromiseLike<R>;
      try {
        result = next(input, scope);
      } catch (error) {
        observer.failed(input, error, secondsSince(started));
        throw error;
      }
      if (!isPromiseLike(result)) {
        observer.finished(input, result, secondsSince(started));
        return result;
      }
      return observeAsync(observer, input, result, started);
    };
}

/** The promise path: one async frame, no closures per run. */
async function observeAsync<I, R>(
  observer: RunObserver<I, R>,
  input: I,
  result: PromiseLike<R>,
  started: number,
): Promise<R> {
  let value: R;
  try {
    value = await result;
  } catch (error) {
    observer.failed(input, error, secondsSince(started));
    throw error;
  }
  observer.finished(input, value, secondsSince(started));
  return value;
}

function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
