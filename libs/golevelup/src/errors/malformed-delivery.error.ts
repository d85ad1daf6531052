import { CourierError } from '@courier-nest/core';

/**
 * A delivery that can never become an inbox message (no usable message id, a body that is
 * not safe JSON, over the size limit, NUL characters). Final: the same delivery is refused
 * again, so it must be rejected without requeue (`courierInboxErrorHandler` does), never
 * retried.
 */
export class MalformedDeliveryError extends CourierError {
  readonly code = 'COURIER_MALFORMED_DELIVERY';
  /** Never worth a retry; checked by `code` too, so a second copy of this package agrees. */
  readonly retryable = false;

  constructor(
    readonly reason: string,
    readonly eventType: string,
  ) {
    super(
      `Refused a delivery for event type "${eventType}": ${reason}. It is not stored; reject it without requeue.`,
    );
  }

  static is(error: unknown): error is MalformedDeliveryError {
    return (
      error instanceof MalformedDeliveryError ||
      (typeof error === 'object' &&
        error !== null &&
        (error as { code?: unknown }).code === 'COURIER_MALFORMED_DELIVERY')
    );
  }
}
