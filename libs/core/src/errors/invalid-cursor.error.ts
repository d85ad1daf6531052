import { CourierError } from './courier.error';
import { CoreMessages } from '../core.messages';

/**
 * A page cursor that the list it was given to did not return: malformed, altered, or
 * from another list. Nothing was read; start again from the first page (no cursor).
 */
export class InvalidCursorError extends CourierError {
  readonly code = 'COURIER_INVALID_CURSOR';

  /**
   * @param list the list the cursor was given to, e.g. `dead outbox messages`
   * @param reason what was wrong with it, e.g. `not base64url`
   */
  constructor(
    readonly list: string,
    readonly reason: string,
  ) {
    super(CoreMessages.invalidCursor(list, reason));
  }
}
