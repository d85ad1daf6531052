import { CourierError } from './courier.error';

/** A module option is missing or out of range; raised at bootstrap, never later. */
export class InvalidOptionError extends CourierError {
  readonly code = 'COURIER_INVALID_OPTION';

  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}
