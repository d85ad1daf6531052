import { CourierError } from '@courier-nest/core';
import { RpcMessages } from '../rpc.messages';

/** A reply arrived but its body is not safe JSON (or is too large): the result is unknown. */
export class RpcMalformedReplyError extends CourierError {
  readonly code = 'COURIER_RPC_MALFORMED_REPLY';

  constructor(
    readonly queue: string,
    readonly correlationId: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(RpcMessages.malformedReply(queue, reason), options);
  }
}
