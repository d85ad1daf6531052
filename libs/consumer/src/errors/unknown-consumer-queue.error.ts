import { CourierError } from '@courier-nest/core';

/** The queue admin was asked about a queue that no consumer of its transport consumes. */
export class UnknownConsumerQueueError extends CourierError {
  readonly code = 'COURIER_UNKNOWN_CONSUMER_QUEUE';

  constructor(
    readonly queue: string,
    readonly knownQueues: readonly string[],
    /** The consumer queue whose dead-letter queue `queue` is, when that was the mix-up. */
    readonly deadLetterQueueOf?: string,
  ) {
    const known = knownQueues.length > 0 ? knownQueues.join(', ') : 'none yet (no consumer was started)';
    const hint =
      deadLetterQueueOf === undefined
        ? 'Pass the source queue of a consumer.'
        : `It is the dead-letter queue of "${deadLetterQueueOf}": pass "${deadLetterQueueOf}".`;
    super(`"${queue}" is not a consumer queue here (consumer queues: ${known}). ${hint}`);
  }
}
