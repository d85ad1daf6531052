import { CourierError } from '@courier-nest/core';

/**
 * Throw from a processor for a message that can never be processed (invalid data,
 * a rule that will not change): it is dead-lettered at once, whatever the failure
 * strategy, without using up retries.
 */
export class NonRetryableError extends CourierError {
  readonly code: string = 'COURIER_NON_RETRYABLE';
}
