import { CourierError } from '@courier-nest/core';
import { RpcMessages } from '../rpc.messages';

/** The responder's handler failed and answered with an error reply. */
export class RpcRemoteError extends CourierError {
  readonly code = 'COURIER_RPC_REMOTE';

  constructor(
    readonly queue: string,
    readonly correlationId: string,
    /** The responder's error message, as it sent it. */
    readonly remoteMessage: string,
    /** The responder's error code, if it gave one (e.g. `COURIER_MALFORMED_JSON`, `ORDER_NOT_FOUND`). */
    readonly remoteCode?: string | number,
    /** An HTTP-like status, if the responder's error had one (e.g. an HttpException's). */
    readonly status?: number,
  ) {
    super(RpcMessages.remote(queue, remoteMessage));
  }
}
