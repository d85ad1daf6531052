import { CourierError } from '@courier-nest/core';

/**
 * CourierGolevelupModule cannot work with the app as configured (no golevelup connection,
 * a golevelup without what the publisher needs). Raised at bootstrap, never later.
 */
export class GolevelupConfigurationError extends CourierError {
  readonly code = 'COURIER_GOLEVELUP_CONFIGURATION';
}
