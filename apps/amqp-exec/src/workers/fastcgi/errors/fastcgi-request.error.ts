import { CourierError } from '@courier-nest/core';

/**
 * Why a FastCGI request got no complete response:
 * - `connect`: the server could not be reached (refused, no such socket);
 * - `closed`: the connection broke or closed before FCGI_END_REQUEST (reset, crash);
 * - `timeout` / `aborted`: this side gave up;
 * - `overloaded`: the server ended the request without running it (FCGI_OVERLOADED and kin);
 * - `protocol`: the peer does not speak FastCGI (likely the wrong address).
 */
/** `too-large`: the request cannot be encoded (a parameter over one record); the others are the server's or the network's. */
export type FastCgiFailure =
  'connect' | 'closed' | 'timeout' | 'aborted' | 'overloaded' | 'protocol' | 'too-large';

export class FastCgiRequestError extends CourierError {
  readonly code = 'COURIER_FASTCGI_REQUEST';

  constructor(
    readonly failure: FastCgiFailure,
    readonly address: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`FastCGI ${address}: ${message}`, options);
  }
}
