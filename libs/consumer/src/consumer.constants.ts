/**
 * Headers the consumer component writes. They travel with a message through retries
 * and into the error destination, so an operator reading a dead letter sees where it
 * came from, why it ended there and how often it was tried.
 */
export const ConsumerHeaders = {
  /** 1-based attempt number of the delivery that carries it; absent on the first. */
  attempt: 'x-courier-attempt',
  deadLetterReason: 'x-courier-dead-letter-reason',
  originalExchange: 'x-courier-original-exchange',
  originalRoutingKey: 'x-courier-original-routing-key',
  originalQueue: 'x-courier-original-queue',
  deadLetteredAt: 'x-courier-dead-lettered-at',
} as const;

/** Suffix of a source's default error destination: `jobs` → `jobs.dead`. */
export const DEFAULT_DEAD_LETTER_SUFFIX = '.dead';

export const CONSUMER_HANDLER_METADATA = 'courier:consumer-handler';
export const CONSUMER_TRANSPORT = Symbol('courier:consumer-transport');

/**
 * Provide the transport's queue admin (a `ConsumerQueueAdmin`) under this token;
 * `CourierRabbitMQModule` does. A registered symbol: one token however many copies of
 * this package an app ends up with.
 */
export const CONSUMER_QUEUE_ADMIN = Symbol.for('courier:consumer-queue-admin');
