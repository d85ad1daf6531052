import { ConfigError } from './config.error';

/** A config-file key that names no setting: a typo there would otherwise be silently ignored. */
export class UnknownConfigKeyError extends ConfigError {
  readonly code = 'AMQP_EXEC_UNKNOWN_CONFIG_KEY';

  constructor(
    readonly key: string,
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}
