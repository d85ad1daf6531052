import { CourierError } from '@courier-nest/core';

/** The outbox cannot start as configured; raised at bootstrap. */
export class OutboxConfigurationError extends CourierError {
  readonly code = 'COURIER_OUTBOX_CONFIGURATION';
}
