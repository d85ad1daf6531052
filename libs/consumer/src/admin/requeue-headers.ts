import { ConsumerHeaders } from '../consumer.constants';

/**
 * What says a message died or how often it was tried: the consumer component's headers and
 * the broker's own dead-lettering record. A requeued dead letter starts again without them.
 * Its original exchange and routing key stay, so its processor sees the routing it had.
 */
const DEAD_LETTER_HEADERS: ReadonlySet<string> = new Set([
  ConsumerHeaders.attempt,
  ConsumerHeaders.deadLetterReason,
  ConsumerHeaders.originalQueue,
  ConsumerHeaders.deadLetteredAt,
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
]);

/** A dead letter's headers for its trip back to its queue: all but the dead-letter ones. */
export function headersForRequeue(
  headers: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !DEAD_LETTER_HEADERS.has(name)));
}
