import { CourierError } from '@courier-nest/core';
import { RpcMessages } from '../rpc.messages';

/** The broker was not connected (or the client was closed) when the request was made; nothing was sent. */
export class RpcNotConnectedError extends CourierError {
  readonly code = 'COURIER_RPC_NOT_CONNECTED';

  constructor(
    readonly queue: string,
    readonly clientClosed = false,
  ) {
    super(clientClosed ? RpcMessages.clientClosed(queue) : RpcMessages.notConnected(queue));
  }
}
