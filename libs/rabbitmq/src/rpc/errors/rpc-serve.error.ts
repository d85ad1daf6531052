import { CourierError } from '@courier-nest/core';
import { RpcMessages } from '../rpc.messages';

/** `serve()` could not start taking requests from the queue (the broker refused it, or the responder is closed). */
export class RpcServeError extends CourierError {
  readonly code = 'COURIER_RPC_SERVE';

  constructor(
    readonly queue: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(RpcMessages.cannotServe(queue, reason), options);
  }
}
