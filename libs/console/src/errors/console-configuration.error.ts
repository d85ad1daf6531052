import { CourierError } from '@courier-nest/core';

/** A `CourierConsoleModule` option is missing or wrong; the message says what to change. */
export class ConsoleConfigurationError extends CourierError {
  readonly code = 'CONSOLE_CONFIGURATION';
}
