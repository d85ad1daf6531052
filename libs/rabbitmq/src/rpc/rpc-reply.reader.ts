import type { JsonCodec } from '@courier-nest/core';
import { RpcMalformedReplyError } from './errors/rpc-malformed-reply.error';
import { RpcRemoteError } from './errors/rpc-remote.error';
import { RPC_ERROR_HEADER } from './rpc.constants';
import { fromErrorBody } from './rpc-error-body';

export type ReplyOutcome = { ok: true; value: unknown } | { ok: false; error: Error };

/**
 * A reply's meaning: its JSON body, or the responder's error when the error header is set.
 * The body comes from another process and is parsed with the safe codec.
 */
export function readReply(
  queue: string,
  correlationId: string,
  content: Buffer,
  headers: Record<string, unknown> | undefined,
  codec: JsonCodec,
): ReplyOutcome {
  let value: unknown;
  try {
    value = codec.decode(content);
  } catch (error) {
    return {
      ok: false,
      error: new RpcMalformedReplyError(queue, correlationId, (error as Error).message, { cause: error }),
    };
  }
  const flag = headers?.[RPC_ERROR_HEADER];
  if (flag === undefined || flag === null || flag === 0 || flag === false) return { ok: true, value };
  const body = fromErrorBody(value);
  return { ok: false, error: new RpcRemoteError(queue, correlationId, body.message, body.code, body.status) };
}
