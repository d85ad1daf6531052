import { ProcessTimeoutError } from '../errors/process-timeout.error';
import type { Message } from '../interfaces/message.interface';
import type { ProcessOutcome, Processor } from '../interfaces/processor.interface';

/**
 * Runs a processor under a deadline. On timeout its signal aborts and the call
 * rejects with `ProcessTimeoutError`; whatever the processor returns later is
 * ignored (the message is settled once, by the runner).
 */
export async function invokeProcessor(
  processor: Processor,
  message: Message,
  timeoutMs: number,
  stopSignal: AbortSignal,
): Promise<ProcessOutcome | void> {
  const deadline = new AbortController();
  const signal = AbortSignal.any([deadline.signal, stopSignal]);
  let timer: NodeJS.Timeout | undefined;
  const work = Promise.resolve().then(() => processor(message, { signal }));
  if (timeoutMs <= 0) return work;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      deadline.abort(new ProcessTimeoutError(message.id, timeoutMs));
      reject(deadline.signal.reason);
    }, timeoutMs);
  });
  work.catch(() => undefined); // a late failure after the timeout is not unhandled
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
