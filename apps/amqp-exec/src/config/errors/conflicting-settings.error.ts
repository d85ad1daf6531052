import { ConfigError } from './config.error';

/** Settings that exclude each other are both set at the same level (`exec` and `fastcgi`). */
export class ConflictingSettingsError extends ConfigError {
  readonly code = 'AMQP_EXEC_CONFLICTING_SETTINGS';

  constructor(
    readonly settings: readonly string[],
    message: string,
  ) {
    super(message);
  }
}
