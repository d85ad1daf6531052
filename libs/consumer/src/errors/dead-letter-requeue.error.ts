import { CourierError } from '@courier-nest/core';

/**
 * The broker refused the copy of a dead letter (its source queue is gone, a nack, the
 * channel closed): that dead letter and the ones after it stay where they were.
 * `requeued` lists the ids moved before it.
 */
export class DeadLetterRequeueError extends CourierError {
  readonly code = 'COURIER_DEAD_LETTER_REQUEUE';

  constructor(
    readonly queue: string,
    readonly messageId: string,
    readonly requeued: readonly string[],
    cause: unknown,
  ) {
    super(
      `Dead letter ${messageId} could not be put back into "${queue}" ` +
        `(${cause instanceof Error ? cause.message : String(cause)}); it stays in its dead-letter queue` +
        (requeued.length > 0 ? `, after ${requeued.length} were moved back.` : '.') +
        ' Check that the queue exists, then requeue again.',
      { cause },
    );
  }
}
