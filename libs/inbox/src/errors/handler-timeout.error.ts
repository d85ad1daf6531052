import { CourierError } from '@courier-nest/core';

/** The reason a handler's signal is aborted with when it runs past its timeout. */
export class HandlerTimeoutError extends CourierError {
  readonly code = 'COURIER_INBOX_HANDLER_TIMEOUT';

  constructor(
    readonly handlerKey: string,
    readonly timeoutMs: number,
  ) {
    super(`Handler "${handlerKey}" timed out after ${timeoutMs} ms`);
  }
}
