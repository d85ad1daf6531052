import { CourierError } from '@courier-nest/core';

/** A dead-letter window that is malformed, or reaches further from the head than a peek reads. */
export class DeadLetterWindowError extends CourierError {
  readonly code = 'COURIER_DEAD_LETTER_WINDOW';

  constructor(
    readonly offset: unknown,
    readonly limit: unknown,
    readonly maxWindow: number,
    message: string,
  ) {
    super(message);
  }
}
