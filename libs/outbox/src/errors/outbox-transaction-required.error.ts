import { CourierError } from '@courier-nest/core';

/** `publish` was called where its write could not join a transaction. */
export class OutboxTransactionRequiredError extends CourierError {
  readonly code = 'COURIER_OUTBOX_TRANSACTION_REQUIRED';
}
