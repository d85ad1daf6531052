/** What a consumer queue holds now, as the broker counts it. */
export interface ConsumerQueueStats {
  /** The consumer's source queue. */
  queue: string;
  /** Messages ready in it (not those delivered and unacknowledged). */
  depth: number;
  /** Subscriptions on it: 0 while its runner is paused, stopped or reconnecting. */
  consumers: number;
  /** Messages waiting out a retry delay (on RabbitMQ: in its `<queue>.retry.<N>ms` queues). */
  retryDepth: number;
  deadLetterQueue: string;
  deadDepth: number;
}

/** One dead letter as an operator reads it; nothing in it is trusted to be well formed. */
export interface DeadLetter {
  /** The consumer's source queue it belongs to. */
  queue: string;
  deadLetterQueue: string;
  /** Where it is in the dead-letter queue now: 0 is the head, the next one to be read. */
  position: number;
  messageId: string | null;
  /** The AMQP `type` property. */
  type: string | null;
  /** The body as UTF-8 text, or base64 when it is not valid UTF-8 (see `payloadEncoding`). */
  payload: string;
  payloadEncoding: 'utf8' | 'base64';
  contentType: string | null;
  /** Every header as text: strings as they are, other values as JSON. */
  headers: Record<string, string>;
  /** `x-courier-dead-letter-reason`: why the consumer gave up on it. */
  reason: string | null;
  /** `x-courier-attempt`: the attempts it had. */
  attempts: number | null;
  deadLetteredAt: Date | null;
  /** `x-courier-original-queue`: the queue it was consumed from. */
  originalQueue: string | null;
}

/** Which dead letters an action takes: these message ids, or every one there is. */
export type DeadLetterSelection = { messageIds: readonly string[] } | { all: true };

/** A slice of a dead-letter queue counted from its head. */
export interface DeadLetterWindow {
  /** Dead letters to skip from the head. */
  offset: number;
  /** Dead letters to return after them; `offset + limit` is at most `MAX_DEAD_LETTER_WINDOW`. */
  limit: number;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  /** Dead letters in the queue now (ready ones), beyond the window too. */
  total: number;
}

/**
 * The port a consumer transport implements so operators (the console) can see its
 * consumer queues and repair their dead letters. `CourierRabbitMQModule` provides it under
 * `CONSUMER_QUEUE_ADMIN`; `InMemoryQueueAdmin` is the one over `InMemoryBroker`.
 *
 * Contract:
 * - `queue` is always a consumer's source queue (one a consumer of this transport was made
 *   for); the admin knows its dead-letter queue. Any other name rejects with
 *   `UnknownConsumerQueueError`, which names the known queues.
 * - Dead letters stay on the broker. `peekDead` reads the window from the head and gives
 *   every message back where it was: it never loses, consumes or reorders one, also while
 *   the consumer dead-letters new ones (they join the tail). A broker queue can only be read
 *   from its head, so `offset + limit` is bounded by `MAX_DEAD_LETTER_WINDOW`
 *   (`DeadLetterWindowError` beyond it).
 * - `requeueDead` moves dead letters back to the source queue with their message id, type,
 *   properties, body and headers, minus the attempt count and the dead-letter headers: the
 *   consumer sees attempt 1 again. A dead letter is removed only after the broker confirmed
 *   its copy in the source queue: a crash in between leaves it in both (at least once),
 *   never in neither. It resolves with the ids moved, in queue order; a copy the broker
 *   refused rejects with `DeadLetterRequeueError`, which lists those moved before it.
 * - `purgeDead` deletes dead letters for good and resolves with how many.
 * - `{ messageIds }` takes the dead letters with those ids among the first
 *   `MAX_DEAD_LETTER_WINDOW` of the queue (an id not there is left out of the result); the
 *   others stay, in order. `{ all: true }` takes at most as many as the queue held when the
 *   call began, so one that is dead-lettered again meanwhile is not moved twice.
 * - Peeks, requeues and purges of one queue run one after another within a process (`stats`
 *   does not wait for them). Two processes reading one dead-letter queue at once see each
 *   other's held messages as missing from the head; nothing is lost.
 */
export interface ConsumerQueueAdmin {
  stats(queue: string): Promise<ConsumerQueueStats>;
  peekDead(queue: string, window: DeadLetterWindow): Promise<DeadLetterPage>;
  requeueDead(queue: string, which: DeadLetterSelection): Promise<string[]>;
  purgeDead(queue: string, which: DeadLetterSelection): Promise<number>;
}
