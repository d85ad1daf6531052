import { ConfigError } from './config.error';

/**
 * The command line cannot be read: a flag without its value, a value given
 * to a flag that takes none, or a stray positional argument. `argument` is the offending one.
 */
export class InvalidArgumentError extends ConfigError {
  readonly code = 'AMQP_EXEC_INVALID_ARGUMENT';

  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}
