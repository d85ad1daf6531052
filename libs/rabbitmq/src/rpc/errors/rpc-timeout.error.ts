import { CourierError } from '@courier-nest/core';
import { RpcMessages } from '../rpc.messages';

/** No reply arrived within `timeoutMs`; a reply that comes later is dropped. */
export class RpcTimeoutError extends CourierError {
  readonly code = 'COURIER_RPC_TIMEOUT';

  constructor(
    readonly queue: string,
    readonly correlationId: string,
    readonly timeoutMs: number,
  ) {
    super(RpcMessages.timeout(queue, timeoutMs));
  }
}
