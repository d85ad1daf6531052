import { ConfigError } from './config.error';

/** The config file is missing, unreadable, not JSON, unsafe JSON, or not a JSON object. */
export class ConfigFileError extends ConfigError {
  readonly code = 'AMQP_EXEC_CONFIG_FILE';

  constructor(
    /** The path as given. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
