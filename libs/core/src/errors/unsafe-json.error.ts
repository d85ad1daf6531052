import { CourierError } from './courier.error';
import { CoreMessages } from '../core.messages';

/** JSON carries a `__proto__` or `constructor.prototype` key: a prototype-pollution vector. */
export class UnsafeJsonError extends CourierError {
  readonly code = 'COURIER_UNSAFE_JSON';

  constructor(options?: { cause?: unknown }) {
    super(CoreMessages.unsafeJson, options);
  }
}
