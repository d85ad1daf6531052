import { CourierError } from '@courier-nest/core';
import { redactUrlsInText } from '@courier-nest/core/internal';

/**
 * Base of every amqp-exec configuration error: the settings cannot start a consumer.
 * `message` is one line that names the setting and its source and says what to change;
 * the CLI prints it as `amqp-exec: <message>` and exits with status 2. Any AMQP password
 * credential in it (user name included) is replaced by `***` here, whatever built the text.
 */
export abstract class ConfigError extends CourierError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(redactUrlsInText(message), options);
  }
}
