import { InvalidOptionError } from '@courier-nest/core';
import { createRabbitMQConnection } from '../connection/create-rabbitmq-connection';
import { RpcServeError } from './errors/rpc-serve.error';
import { RabbitMQRpcResponder } from './rabbitmq-rpc.responder';
import type { RpcHandler } from './rpc.interfaces';

// A connection that is never opened: serve() checks its arguments before touching the broker.
const connection = () => createRabbitMQConnection({ uri: 'amqp://guest:guest@127.0.0.1:1' });
const handler: RpcHandler = () => 'ok';

async function refusal(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('RabbitMQRpcResponder arguments', () => {
  it('refuses an empty queue name and a handler that is not a function', async () => {
    const responder = new RabbitMQRpcResponder(connection());
    expect(await refusal(() => responder.serve('', handler))).toMatchObject({
      option: 'queue',
      message: 'serve() needs the name of the queue to take requests from (a non-empty string).',
    });
    expect(await refusal(() => responder.serve('q', 'nope' as unknown as RpcHandler))).toMatchObject({
      option: 'handler',
      message: 'serve("q", handler) needs a function as handler.',
    });
  });

  it.each([0, -1, 2.5])('refuses prefetch %p', async (prefetch) => {
    const error = await refusal(() =>
      new RabbitMQRpcResponder(connection()).serve('q', handler, { prefetch }),
    );
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error.message).toBe(`Option "prefetch" must be a positive integer; got ${prefetch}.`);
  });

  it('refuses a closeTimeoutMs that is not a non-negative integer', () => {
    expect(() => new RabbitMQRpcResponder(connection(), { closeTimeoutMs: -1 })).toThrow(
      'Option "closeTimeoutMs" must be an integer >= 0 (milliseconds); got -1.',
    );
  });

  it('refuses to serve the same queue twice', async () => {
    const responder = new RabbitMQRpcResponder(connection());
    // Not connected: the first registers and will consume once the connection is up.
    await expect(responder.serve('q', handler)).resolves.toBeUndefined();
    const error = await refusal(() => responder.serve('q', handler));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error.message).toBe('Queue "q" is already served by this responder; call serve() once per queue.');
  });

  it('refuses to serve after close()', async () => {
    const responder = new RabbitMQRpcResponder(connection());
    await responder.close();
    const error = await refusal(() => responder.serve('q', handler));
    expect(error).toBeInstanceOf(RpcServeError);
    expect(error.message).toMatch(
      /^Cannot serve RPC queue "q": the responder is closed; create a new RabbitMQRpcResponder/,
    );
  });
});
