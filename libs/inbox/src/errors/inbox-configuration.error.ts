import { CourierError } from '@courier-nest/core';

/** The inbox cannot start as configured (duplicate handler, retention shorter than retries…). */
export class InboxConfigurationError extends CourierError {
  readonly code = 'COURIER_INBOX_CONFIGURATION';
}
