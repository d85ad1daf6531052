import { NonRetryableError } from './non-retryable.error';

/** The payload is not the JSON a processor expected; retrying cannot help. */
export class MessageDecodeError extends NonRetryableError {
  override readonly code = 'COURIER_MESSAGE_DECODE';

  constructor(
    readonly messageId: string,
    cause: unknown,
  ) {
    super(
      `Message ${messageId} cannot be decoded as JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}
