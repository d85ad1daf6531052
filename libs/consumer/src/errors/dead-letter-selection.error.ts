import { CourierError } from '@courier-nest/core';

/** A requeue or purge that names neither `{ messageIds: [...] }` nor `{ all: true }`. */
export class DeadLetterSelectionError extends CourierError {
  readonly code = 'COURIER_DEAD_LETTER_SELECTION';
}
