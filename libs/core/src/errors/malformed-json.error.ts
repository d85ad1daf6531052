import { CourierError } from './courier.error';

/** Bytes that should be JSON are not, or a value cannot be represented as JSON. */
export class MalformedJsonError extends CourierError {
  readonly code = 'COURIER_MALFORMED_JSON';
}
