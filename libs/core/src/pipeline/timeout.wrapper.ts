import { isPromiseLike, type PipelineStep, type PipelineWrapper } from './handler-pipeline';
import type { RunScope } from './run-scope';

export interface TimeoutWrapperOptions<I, S> {
  /** The run's limit in milliseconds; 0 or less: none. Asked once per run, before it starts. */
  timeoutMs(input: I, scope: S): number;
  /** The reason the run's signal aborts with on timeout, and what the run then rejects with. */
  timeoutError(input: I, scope: S, timeoutMs: number): Error;
}

/**
 * Runs the step under a deadline counted from the run's start, its synchronous part
 * included. On timeout the scope aborts (the handler's signal fires with
 * `timeoutError`) and the run rejects with that error; whatever the handler does later,
 * a late result or rejection included, is ignored. The race is decided before the
 * abort: a handler that stops on abort resolves at once, and must not win.
 *
 * A handler that returns synchronously pays for no timer and no promise. The scope is
 * disposed when the run is over (the wrapper owns the scope's abort side), so put this
 * wrapper innermost, next to the handler.
 */
export function timeoutWrapper<I, S extends RunScope, R>(
  options: TimeoutWrapperOptions<I, S>,
): PipelineWrapper<I, S, R> {
  return (next: PipelineStep<I, S, R>) =>
    (input: I, scope: S): R | Promise<R> => {
      const timeoutMs = options.timeoutMs(input, scope);
      const started = timeoutMs > 0 ? performance.now() : 0;
      let result: R | PromiseLike<R>;
      try {
        result = next(input, scope);
      } catch (error) {
        scope.dispose();
        throw error;
      }
      if (!isPromiseLike(result)) {
        scope.dispose();
        return result;
      }
      const work = result instanceof Promise ? (result as Promise<R>) : Promise.resolve(result);
      if (timeoutMs <= 0) return work.finally(() => scope.dispose());
      return withinDeadline(
        work,
        timeoutMs,
        timeoutMs - (performance.now() - started),
        input,
        scope,
        options,
      );
    };
}

/**
 * `work`, or the timeout error once `remainingMs` passed, whichever comes first. Written
 * out rather than with `raceDeadline`: this runs once per handler run, and one promise
 * with one timer costs a fraction of a race between async layers.
 */
function withinDeadline<I, S extends RunScope, R>(
  work: Promise<R>,
  timeoutMs: number,
  remainingMs: number,
  input: I,
  scope: S,
  options: TimeoutWrapperOptions<I, S>,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        // Rejected before the abort: a handler that stops on abort resolves too late to win.
        const timeout = options.timeoutError(input, scope, timeoutMs);
        reject(timeout);
        scope.abort(timeout);
        scope.dispose();
      },
      Math.max(0, remainingMs),
    );
    // Also consumes a rejection after the deadline: it is ignored, never unhandled.
    work.then(
      (value) => {
        clearTimeout(timer);
        scope.dispose();
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        scope.dispose();
        reject(error);
      },
    );
  });
}
