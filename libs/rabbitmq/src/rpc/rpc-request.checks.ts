import { InvalidMessageError } from '@courier-nest/core';
import type { RpcRequestOptions } from './rpc.interfaces';
import { RpcMessages } from './rpc.messages';

/** setTimeout's largest delay; a larger one would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;
const RESERVED_PREFIX = 'x-courier-';

/** Refuses a request before anything is sent: the error names the field and what to change. */
export function checkRequest(queue: unknown, options: RpcRequestOptions | undefined): void {
  if (typeof queue !== 'string' || queue.length === 0) {
    throw new InvalidMessageError('queue', RpcMessages.badQueue);
  }
  const timeoutMs = options?.timeoutMs;
  if (!Number.isInteger(timeoutMs) || (timeoutMs as number) < 1 || (timeoutMs as number) > MAX_TIMEOUT_MS) {
    throw new InvalidMessageError('timeoutMs', RpcMessages.badTimeout(timeoutMs));
  }
  for (const name of Object.keys(options?.headers ?? {})) {
    // The error header lives under this prefix: a caller must not be able to fake it.
    if (name.toLowerCase().startsWith(RESERVED_PREFIX)) {
      throw new InvalidMessageError('headers', RpcMessages.reservedHeader(name));
    }
  }
}
