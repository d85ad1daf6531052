import type { ConfigSource } from '../config-source';
import { ConfigError } from './config.error';

/** A setting's value is malformed or out of range, alone or next to another setting. */
export class InvalidSettingError extends ConfigError {
  readonly code = 'AMQP_EXEC_INVALID_SETTING';

  constructor(
    /** The setting's name (its config-file key), e.g. `prefetch`. */
    readonly setting: string,
    readonly source: ConfigSource,
    message: string,
  ) {
    super(message);
  }
}
