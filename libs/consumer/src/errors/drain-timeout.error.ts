import { CourierError } from '@courier-nest/core';

/**
 * `pause({ drain: true })` waited `timeoutMs` and processors were still running. The runner
 * stays paused and they keep running (nothing is aborted); await `pause({ drain: true })`
 * again to keep waiting, or `stop()` to abort them.
 */
export class DrainTimeoutError extends CourierError {
  readonly code = 'COURIER_DRAIN_TIMEOUT';

  constructor(
    readonly source: string,
    readonly timeoutMs: number,
    readonly inFlight: number,
  ) {
    super(
      `${inFlight} message(s) of "${source}" still processing ${timeoutMs} ms after pause; ` +
        'the consumer stays paused and they keep running: wait again, or stop() to abort them.',
    );
  }
}
