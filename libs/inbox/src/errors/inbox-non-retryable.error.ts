import { CourierError } from '@courier-nest/core';

/**
 * Throw from a handler for a message it can never process (invalid data, a
 * business rule that will not change): the handler goes `dead` at once, no retries.
 */
export class InboxNonRetryableError extends CourierError {
  readonly code = 'COURIER_INBOX_NON_RETRYABLE';
}
