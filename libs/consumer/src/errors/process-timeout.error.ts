import { CourierError } from '@courier-nest/core';

/** The processor did not settle within `processTimeoutMs`; its signal was aborted. */
export class ProcessTimeoutError extends CourierError {
  readonly code = 'COURIER_PROCESS_TIMEOUT';

  constructor(
    readonly messageId: string,
    readonly timeoutMs: number,
  ) {
    super(`Processing message ${messageId} took longer than ${timeoutMs} ms`);
  }
}
