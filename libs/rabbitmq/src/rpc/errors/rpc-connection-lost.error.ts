import { CourierError } from '@courier-nest/core';
import { RpcMessages } from '../rpc.messages';

/**
 * The channel the reply would have come back on closed while the request waited
 * (connection lost, channel closed, or the client closed). The request was sent, so the
 * responder may have handled it: its outcome is unknown.
 */
export class RpcConnectionLostError extends CourierError {
  readonly code = 'COURIER_RPC_CONNECTION_LOST';

  constructor(
    readonly queue: string,
    readonly correlationId: string,
    readonly reason: string,
  ) {
    super(RpcMessages.connectionLost(queue, reason));
  }
}
