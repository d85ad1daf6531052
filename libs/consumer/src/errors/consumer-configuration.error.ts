import { CourierError } from '@courier-nest/core';

/** A `@ConsumeQueue` or `ConsumerModule` setting that cannot work; raised at bootstrap. */
export class ConsumerConfigurationError extends CourierError {
  readonly code = 'COURIER_CONSUMER_CONFIGURATION';
}
