import { raceDeadline } from '@courier-nest/core/internal';
import { ProcessTimeoutError } from '../errors/process-timeout.error';
import type { Message } from '../interfaces/message.interface';
import type { ProcessContext, ProcessOutcome, Processor } from '../interfaces/processor.interface';

type Result = ProcessOutcome | void;

/**
 * The context a processor gets. Its signal is made only if the processor reads it:
 * most never do, and an AbortController per message (worse, `AbortSignal.any`, which
 * on Node 20 keeps a reference in the long-lived stop signal per call) costs more
 * than the rest of the runner's bookkeeping.
 */
class ProcessScope implements ProcessContext {
  private controller?: AbortController;
  private abortedWith?: unknown;
  private unlink?: () => void;

  constructor(private readonly stopSignal: AbortSignal) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = (this.controller = new AbortController());
      if (this.abortedWith !== undefined) controller.abort(this.abortedWith);
      else if (this.stopSignal.aborted) controller.abort(this.stopSignal.reason);
      else {
        const onStop = () => controller.abort(this.stopSignal.reason);
        this.stopSignal.addEventListener('abort', onStop, { once: true });
        this.unlink = () => this.stopSignal.removeEventListener('abort', onStop);
      }
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    this.abortedWith = reason;
    this.controller?.abort(reason);
  }

  dispose(): void {
    this.unlink?.();
  }
}

/**
 * Runs a processor under a deadline. On timeout its signal aborts and the call
 * rejects with `ProcessTimeoutError`; whatever the processor returns later is
 * ignored (the message is settled once, by the runner). A processor that returns
 * synchronously pays for no timer and no promise.
 */
export function invokeProcessor(
  processor: Processor,
  message: Message,
  timeoutMs: number,
  stopSignal: AbortSignal,
): Result | Promise<Result> {
  const scope = new ProcessScope(stopSignal);
  let result: Result | Promise<Result>;
  try {
    result = processor(message, scope);
  } catch (error) {
    scope.dispose();
    throw error;
  }
  if (!(result instanceof Promise)) {
    scope.dispose();
    return result;
  }
  if (timeoutMs <= 0) return result.finally(() => scope.dispose());
  return withinTimeout(result, scope, message.id, timeoutMs);
}

async function withinTimeout(
  work: Promise<Result>,
  scope: ProcessScope,
  messageId: string,
  timeoutMs: number,
): Promise<Result> {
  let timeout: ProcessTimeoutError | undefined;
  try {
    // The race is decided before the abort: a processor that stops on abort resolves at
    // once, and must not win (its message would be acked).
    const outcome = await raceDeadline(work, timeoutMs, () =>
      scope.abort((timeout = new ProcessTimeoutError(messageId, timeoutMs))),
    );
    if (outcome.timedOut) throw timeout;
    return outcome.value;
  } finally {
    scope.dispose();
  }
}
