import { ConfigError } from './config.error';

/** A required setting (`url`, `queue`, a worker, `script` for FastCGI) is set nowhere. */
export class MissingSettingError extends ConfigError {
  readonly code = 'AMQP_EXEC_MISSING_SETTING';

  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}
