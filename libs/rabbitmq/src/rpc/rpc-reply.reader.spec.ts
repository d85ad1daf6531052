import { JsonCodec, UnsafeJsonError } from '@courier-nest/core';
import { RpcMalformedReplyError } from './errors/rpc-malformed-reply.error';
import { RpcRemoteError } from './errors/rpc-remote.error';
import { RPC_ERROR_HEADER } from './rpc.constants';
import { readReply, type ReplyOutcome } from './rpc-reply.reader';

const codec = new JsonCodec(1024);
/** The error of a failed outcome, as the class the test expects. */
function errorOf<E extends Error>(outcome: ReplyOutcome): E {
  if (outcome.ok) throw new Error(`expected an error, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as E;
}

const read = (body: string, headers?: Record<string, unknown>) =>
  readReply('pricing', 'c-1', Buffer.from(body, 'utf8'), headers, codec);

describe('readReply', () => {
  it('resolves with the JSON body of a reply without the error header', () => {
    expect(read('{"total":12.5}')).toEqual({ ok: true, value: { total: 12.5 } });
    expect(read('null', {})).toEqual({ ok: true, value: null });
  });

  it('turns a reply with the error header into an RpcRemoteError with message, code and status', () => {
    const outcome = read('{"message":"out of stock","code":"NO_STOCK","status":409}', {
      [RPC_ERROR_HEADER]: 1,
    });
    expect(outcome.ok).toBe(false);
    const error = errorOf<RpcRemoteError>(outcome);
    expect(error).toBeInstanceOf(RpcRemoteError);
    expect(error).toMatchObject({
      name: 'RpcRemoteError',
      queue: 'pricing',
      correlationId: 'c-1',
      remoteMessage: 'out of stock',
      remoteCode: 'NO_STOCK',
      status: 409,
    });
    expect(error.message).toBe('The responder on "pricing" answered with an error: out of stock');
  });

  it('treats a header value of 0 or false as no error', () => {
    expect(read('1', { [RPC_ERROR_HEADER]: 0 })).toEqual({ ok: true, value: 1 });
    expect(read('1', { [RPC_ERROR_HEADER]: false })).toEqual({ ok: true, value: 1 });
  });

  it('refuses a body that is not JSON, with the reason', () => {
    const outcome = read('<html>');
    const error = errorOf<RpcMalformedReplyError>(outcome);
    expect(error).toBeInstanceOf(RpcMalformedReplyError);
    expect(error.message).toMatch(/^The reply from "pricing" could not be read: Body is not valid JSON/);
  });

  it('refuses a prototype-polluting body and one over the size limit', () => {
    const polluted = errorOf<RpcMalformedReplyError>(read('{"__proto__":{"admin":true}}'));
    expect(polluted).toBeInstanceOf(RpcMalformedReplyError);
    expect(polluted.cause).toBeInstanceOf(UnsafeJsonError);
    const large = errorOf<RpcMalformedReplyError>(read(JSON.stringify('x'.repeat(2000))));
    expect(large.message).toMatch(/over the limit of 1024 bytes/);
  });
});
