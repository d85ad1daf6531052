import { CourierError } from './courier.error';
import { CoreMessages } from '../core.messages';

/** An encoded payload is larger than the configured limit. */
export class PayloadTooLargeError extends CourierError {
  readonly code = 'COURIER_PAYLOAD_TOO_LARGE';

  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(CoreMessages.payloadTooLarge(sizeBytes, limitBytes));
  }
}
