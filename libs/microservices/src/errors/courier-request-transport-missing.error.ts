import { CourierError } from '@courier-nest/core';

/**
 * `@MessagePattern` handlers on a `CourierServer`, or `send()` on a `CourierClientProxy`, with
 * no transport serving requests registered (`REQUEST_RESPONDER` / `REQUEST_CLIENT`;
 * `CourierRabbitMQModule` provides both).
 */
export class CourierRequestTransportMissingError extends CourierError {
  readonly code = 'COURIER_MICROSERVICES_REQUEST_TRANSPORT';
}
