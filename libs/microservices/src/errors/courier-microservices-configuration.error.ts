import { CourierError } from '@courier-nest/core';

/** The strategy or the client cannot work as wired (inbox or outbox missing, a pattern that is no name). */
export class CourierMicroservicesConfigurationError extends CourierError {
  readonly code = 'COURIER_MICROSERVICES_CONFIGURATION';
}
