import { ConfigError } from './config.error';

/** A flag amqp-exec does not have, e.g. `--prefech`; the message suggests the closest one. */
export class UnknownFlagError extends ConfigError {
  readonly code = 'AMQP_EXEC_UNKNOWN_FLAG';

  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message);
  }
}
