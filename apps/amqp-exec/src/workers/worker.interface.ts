import type { Message } from '@courier-nest/consumer';
import type { ProcessContext, ProcessOutcome } from '@courier-nest/consumer';

/**
 * Hands one message to something outside this process (a command, a FastCGI server) and
 * says what became of it. Instances keep no per-message state, so one instance serves
 * any number of concurrent `process()` calls.
 */
export interface Worker {
  /**
   * Never throws for a failed job: the outcome says what happened (`ack`, `reject` to
   * dead-letter, `requeue` to try again later). Throws only for a bug.
   * When `context.signal` aborts, the job is stopped and the outcome is `requeue`.
   */
  process(message: Message, context: ProcessContext): Promise<ProcessOutcome>;
}

/** Where workers write the job's output and their own diagnostics. */
export interface WorkerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
