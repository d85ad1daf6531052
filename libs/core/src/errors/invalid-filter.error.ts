import { CourierError } from './courier.error';

/**
 * A list or bulk action got a filter or page option it cannot use (an unknown key, a
 * value of the wrong type, a limit out of range). `field` names it; nothing was read or
 * changed.
 */
export class InvalidFilterError extends CourierError {
  readonly code = 'COURIER_INVALID_FILTER';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
