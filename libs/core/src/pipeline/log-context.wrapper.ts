import { MessageLogContext, type MessageLogFields } from '../logging/message-log-context';
import type { PipelineStep, PipelineWrapper } from './handler-pipeline';

/**
 * Runs the step with its message's log fields current (see `MessageLogContext`), so
 * every line logged while it runs, by Courier or by the handler, can carry them. While
 * no logger reads the fields (`MessageLogContext.recording` is false) nothing is built
 * and nothing is stored: the hot path pays one property read.
 */
export function logContextWrapper<I, S, R>(
  fieldsOf: (input: I, scope: S) => MessageLogFields,
): PipelineWrapper<I, S, R> {
  return (next: PipelineStep<I, S, R>) =>
    (input: I, scope: S): R | Promise<R> =>
      MessageLogContext.recording
        ? MessageLogContext.run(fieldsOf(input, scope), () => next(input, scope))
        : next(input, scope);
}
