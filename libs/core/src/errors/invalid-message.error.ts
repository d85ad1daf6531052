import { CourierError } from './courier.error';

/** A message was refused before anything was written: `field` names what was wrong. */
export class InvalidMessageError extends CourierError {
  readonly code = 'COURIER_INVALID_MESSAGE';

  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
