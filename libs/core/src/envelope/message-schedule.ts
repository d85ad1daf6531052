import { InvalidMessageError } from '../errors/invalid-message.error';

/**
 * How far ahead a message may be scheduled: 366 days. The outbox holds messages, not a
 * calendar; a time further out is more likely a unit mistake (seconds read as
 * milliseconds, a year typed wrong) than a plan, and is refused while the caller is there.
 */
export const MAX_SCHEDULE_DELAY_MS = 366 * 24 * 3_600_000;

/** When a message asked to be published: at a time, after a delay, or (both null) once committed. */
export interface MessageSchedule {
  deliverAt: Date | null;
  delayMs: number | null;
}

/**
 * Checks `deliverAt` / `delayMs` of an outgoing message. `now` (the writer's clock) only
 * bounds how far ahead a `deliverAt` may be; when the message is due is decided by the
 * database clock where it is written.
 */
export function checkSchedule(
  deliverAt: unknown,
  delayMs: unknown,
  now: number = Date.now(),
): MessageSchedule {
  const at = deliverAt ?? null;
  const delay = delayMs ?? null;
  if (at !== null && delay !== null) {
    throw new InvalidMessageError(
      'deliverAt',
      'Message deliverAt and delayMs were both set; set one of them (a time, or a delay from the write), not both.',
    );
  }
  if (at !== null) {
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      throw new InvalidMessageError(
        'deliverAt',
        `Message deliverAt must be a valid Date; got ${describe(at)}.`,
      );
    }
    if (at.getTime() - now > MAX_SCHEDULE_DELAY_MS) {
      throw new InvalidMessageError(
        'deliverAt',
        `Message deliverAt must be at most 366 days ahead (MAX_SCHEDULE_DELAY_MS); got ${at.toISOString()}.`,
      );
    }
  }
  if (
    delay !== null &&
    (!Number.isSafeInteger(delay) || (delay as number) < 0 || (delay as number) > MAX_SCHEDULE_DELAY_MS)
  ) {
    throw new InvalidMessageError(
      'delayMs',
      `Message delayMs must be a whole number of milliseconds from 0 to ${MAX_SCHEDULE_DELAY_MS} (366 days); got ${describe(delay)}.`,
    );
  }
  return { deliverAt: at as Date | null, delayMs: delay as number | null };
}

function describe(value: unknown): string {
  if (value instanceof Date) return 'an invalid Date';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return value === null ? 'null' : typeof value;
}
