import { CourierError } from '@courier-nest/core';
import { RpcMessages } from '../rpc.messages';

/** The broker returned the request as unroutable: no queue of that name exists. */
export class RpcNoResponderError extends CourierError {
  readonly code = 'COURIER_RPC_NO_RESPONDER';

  constructor(
    readonly queue: string,
    readonly correlationId: string,
    /** The broker's reply code and text, e.g. `312 NO_ROUTE`. */
    readonly reason: string,
  ) {
    super(RpcMessages.noResponder(queue, reason));
  }
}
