import { CourierError } from './courier.error';
import { CoreMessages } from '../core.messages';

/** A SQL identifier from options (schema, table) is outside the allow-list. */
export class InvalidIdentifierError extends CourierError {
  readonly code = 'COURIER_INVALID_IDENTIFIER';

  constructor(
    readonly option: string,
    readonly value: unknown,
  ) {
    super(CoreMessages.invalidIdentifier(option, value));
  }
}
