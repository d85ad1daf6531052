import { CourierError } from '@courier-nest/core';

/**
 * `@MessagePattern` handlers on a `CourierServer`, or `send()` on a `CourierClientProxy`:
 * request/response needs a reply channel, which Courier's inbox and outbox do not give yet.
 */
export class CourierRequestResponseUnsupportedError extends CourierError {
  readonly code = 'COURIER_MICROSERVICES_REQUEST_RESPONSE';
}
