import type { ChildProcess } from 'node:child_process';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import {
  CourierRabbitMQModule,
  createRabbitMQConnection,
  RabbitMQRpcClient,
  RabbitMQRpcResponder,
  RPC_ERROR_HEADER,
  RpcConnectionLostError,
  RpcNoResponderError,
  RpcNotConnectedError,
  RpcRemoteError,
  RpcServeError,
  RpcTimeoutError,
  RabbitMQConnection,
} from '@courier-nest/rabbitmq';
import { brokerControl } from '../harness/broker-control';
import { quietLogger } from '../harness/broker';
import { startFixtureProcess, stopFixtureProcess } from '../harness/fixture-process';
import { AMQP_URL, uniqueName } from '../harness/env';
import { openCourierConnection } from '../harness/rabbitmq-connection';
import { waitFor } from '../harness/wait-for';

interface Doubled {
  doubled: number;
  pid: number;
}

/** Starts test/fixtures/rpc-responder.process.ts serving `queue`; resolves once it consumes. */
function startResponderProcess(queue: string): Promise<ChildProcess> {
  return startFixtureProcess('rpc-responder.process.ts', [queue]);
}

/** What a request sent with plain amqplib gets back on direct reply-to. */
async function rawRequest(
  channel: Channel,
  queue: string,
  body: Buffer,
  replies: ConsumeMessage[],
): Promise<ConsumeMessage> {
  const correlationId = uniqueName('raw');
  channel.sendToQueue(queue, body, { replyTo: 'amq.rabbitmq.reply-to', correlationId });
  return waitFor(() => replies.find((m) => m.properties.correlationId === correlationId), 'the raw reply');
}

function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: Error) => error,
  );
}

describe('RPC over RabbitMQ (direct reply-to)', () => {
  let connection: RabbitMQConnection;
  let client: RabbitMQRpcClient;
  let admin: ChannelModel;
  let adminChannel: Channel;
  const queues: string[] = [];
  const responders: RabbitMQRpcResponder[] = [];

  function queueName(): string {
    const queue = uniqueName('rpc');
    queues.push(queue);
    return queue;
  }

  async function responder(): Promise<RabbitMQRpcResponder> {
    const made = new RabbitMQRpcResponder(connection);
    responders.push(made);
    return made;
  }

  beforeAll(async () => {
    connection = await openCourierConnection(uniqueName('rpc-client'));
    client = new RabbitMQRpcClient(connection);
    admin = await connect(AMQP_URL);
    adminChannel = await admin.createChannel();
  });

  afterAll(async () => {
    for (const made of responders) await made.close();
    await client.close();
    for (const queue of queues) await adminChannel.deleteQueue(queue).catch(() => undefined);
    await admin.close();
    await connection.close();
  });

  it('gets the reply of a responder running in another process', async () => {
    const queue = queueName();
    const child = await startResponderProcess(queue);
    try {
      const reply = await client.request<Doubled>(queue, { n: 21 }, { timeoutMs: 10_000 });
      expect(reply.doubled).toBe(42);
      expect(reply.pid).toBe(child.pid);
      expect(reply.pid).not.toBe(process.pid);
    } finally {
      await stopFixtureProcess(child);
    }
  });

  it('gives each of 50 concurrent requests its own reply, and the remote error to the one that failed', async () => {
    const queue = queueName();
    const child = await startResponderProcess(queue);
    try {
      const ns = Array.from({ length: 50 }, (_, i) => i);
      const replies = await Promise.all(
        ns.map((n) => client.request<Doubled>(queue, { n }, { timeoutMs: 10_000 })),
      );
      expect(replies.map((r) => r.doubled)).toEqual(ns.map((n) => n * 2));

      const error = await rejection(
        client.request(queue, { fail: 'sku A-1 is out of stock' }, { timeoutMs: 10_000 }),
      );
      expect(error).toBeInstanceOf(RpcRemoteError);
      expect(error).toMatchObject({
        name: 'RpcRemoteError',
        queue,
        remoteMessage: 'sku A-1 is out of stock',
        remoteCode: 'OUT_OF_STOCK',
        status: 409,
      });
      expect(error.message).toContain('sku A-1 is out of stock');
    } finally {
      await stopFixtureProcess(child);
    }
  });

  it('rejects with RpcNoResponderError when no queue has the name, long before the timeout', async () => {
    const queue = uniqueName('rpc_nobody');
    const error = await rejection(client.request(queue, { n: 1 }, { timeoutMs: 30_000 }));
    expect(error).toBeInstanceOf(RpcNoResponderError);
    expect(error).toMatchObject({ queue, reason: '312 NO_ROUTE' });
    expect(error.message).toContain(`No queue named "${queue}"`);
  });

  it('rejects with RpcTimeoutError within the timeout plus a margin when the queue exists but nobody answers, and the request expires', async () => {
    const queue = queueName();
    await adminChannel.assertQueue(queue, { durable: false });
    const timeoutMs = 500;
    const started = Date.now();
    const error = await rejection(client.request(queue, { n: 1 }, { timeoutMs }));
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(RpcTimeoutError);
    expect(error).toMatchObject({ queue, timeoutMs });
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs);
    expect(elapsed).toBeLessThan(timeoutMs + 1000);
    // The unanswered request does not linger: the broker drops it at its expiration.
    await waitFor(
      async () => (await adminChannel.checkQueue(queue)).messageCount === 0,
      'the request to expire',
    );
  });

  it('drops a reply that comes after the timeout, and the next request gets its own', async () => {
    const queue = queueName();
    const served = await responder();
    let answered = 0;
    await served.serve(queue, async ({ n, delayMs }: { n: number; delayMs: number }) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      answered++;
      return n;
    });
    const late = await rejection(client.request(queue, { n: 1, delayMs: 600 }, { timeoutMs: 200 }));
    expect(late).toBeInstanceOf(RpcTimeoutError);
    await waitFor(() => answered === 1, 'the late reply to be sent');
    await expect(client.request(queue, { n: 2, delayMs: 0 }, { timeoutMs: 5_000 })).resolves.toBe(2);
  });

  it('answers a malformed body with an error reply and acks it (no redelivery loop)', async () => {
    const queue = queueName();
    const served = await responder();
    const seen: unknown[] = [];
    // prefetch 1: were the malformed request not acked, the next request would never be delivered.
    await served.serve(
      queue,
      (payload) => {
        seen.push(payload);
        return 'ok';
      },
      { prefetch: 1 },
    );
    const replies: ConsumeMessage[] = [];
    await adminChannel.consume('amq.rabbitmq.reply-to', (m) => m && replies.push(m), { noAck: true });

    const reply = await rawRequest(adminChannel, queue, Buffer.from('{"n": 1,'), replies);
    expect(reply.properties.headers?.[RPC_ERROR_HEADER]).toBe(1);
    const body = JSON.parse(reply.content.toString('utf8')) as { message: string; code: string };
    expect(body.message).toMatch(/^The request body could not be read: Body is not valid JSON/);
    expect(body.code).toBe('COURIER_MALFORMED_JSON');

    await expect(client.request(queue, { n: 2 }, { timeoutMs: 5_000 })).resolves.toBe('ok');
    expect(seen).toEqual([{ n: 2 }]);
    await waitFor(async () => (await brokerControl.unacknowledged(queue)) === 0, 'no unacked request');
    expect((await adminChannel.checkQueue(queue)).messageCount).toBe(0);
  });

  it('acks a message without replyTo, without calling the handler', async () => {
    const queue = queueName();
    const served = await responder();
    const seen: unknown[] = [];
    await served.serve(
      queue,
      (payload) => {
        seen.push(payload);
        return 'ok';
      },
      { prefetch: 1 },
    );
    adminChannel.sendToQueue(queue, Buffer.from('{"not":"a request"}'));
    await expect(client.request(queue, { n: 3 }, { timeoutMs: 5_000 })).resolves.toBe('ok');
    expect(seen).toEqual([{ n: 3 }]);
  });

  it('sends undefined as null, and a result that is not JSON as an error reply', async () => {
    const queue = queueName();
    const served = await responder();
    await served.serve(queue, ({ kind }: { kind: string }) => (kind === 'bigint' ? { id: 1n } : undefined));
    await expect(client.request(queue, { kind: 'nothing' }, { timeoutMs: 5_000 })).resolves.toBeNull();
    const error = await rejection(client.request(queue, { kind: 'bigint' }, { timeoutMs: 5_000 }));
    expect(error).toBeInstanceOf(RpcRemoteError);
    expect((error as RpcRemoteError).remoteMessage).toMatch(/could not be sent as JSON: .*BigInt/);
  });

  it('refuses a payload that is not JSON before sending anything', async () => {
    const error = await rejection(client.request(queueName(), { n: 1n }, { timeoutMs: 1_000 }));
    expect(error.name).toBe('MalformedJsonError');
    expect(error.message).toMatch(/BigInt has no JSON form/);
  });

  it('rejects with RpcNotConnectedError at once when the broker is unreachable or not yet connected', async () => {
    const unreachable = createRabbitMQConnection({
      uri: 'amqp://guest:guest@127.0.0.1:1',
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    const neverConnected = createRabbitMQConnection({ uri: AMQP_URL });
    try {
      await unreachable.connect();
      for (const target of [unreachable, neverConnected]) {
        const offline = new RabbitMQRpcClient(target);
        const error = await rejection(offline.request('anything', { n: 1 }, { timeoutMs: 30_000 }));
        expect(error).toBeInstanceOf(RpcNotConnectedError);
        expect(error.message).toMatch(/RabbitMQ is not connected\. Requests are not buffered/);
        await offline.close();
      }
    } finally {
      await unreachable.close();
    }
  });

  it('rejects a request of a closed client', async () => {
    const closed = new RabbitMQRpcClient(connection);
    await closed.close();
    const error = await rejection(closed.request('anything', 1, { timeoutMs: 1_000 }));
    expect(error).toBeInstanceOf(RpcNotConnectedError);
    expect(error.message).toMatch(/this RabbitMQRpcClient is closed\. Create a new one/);
  });

  it('rejects waiting requests with RpcConnectionLostError when the connection drops, and works again after the reconnect', async () => {
    const name = uniqueName('rpc-dropped');
    const ownConnection = await openCourierConnection(name);
    const own = new RabbitMQRpcClient(ownConnection);
    const queue = queueName();
    await adminChannel.assertQueue(queue, { durable: false });
    const served = await responder();
    try {
      const waiting = rejection(own.request(queue, { n: 1 }, { timeoutMs: 30_000 }));
      await waitFor(
        async () => (await adminChannel.checkQueue(queue)).messageCount === 1,
        'the request to arrive',
      );
      expect(await brokerControl.closeConnections(name)).toBe(1);
      const error = await waiting;
      expect(error).toBeInstanceOf(RpcConnectionLostError);
      expect(error.message).toMatch(/lost its reply path .*may or may not have been handled/);

      await adminChannel.purgeQueue(queue);
      await served.serve(queue, ({ n }: { n: number }) => n + 1, { durable: false });
      await ownConnection.waitUntilConnected(20_000);
      await expect(own.request(queue, { n: 1 }, { timeoutMs: 5_000 })).resolves.toBe(2);
    } finally {
      await own.close();
      await ownConnection.close();
    }
  });

  it('serves again after its connection drops and comes back', async () => {
    const name = uniqueName('rpc-responder-dropped');
    const ownConnection = await openCourierConnection(name);
    const served = new RabbitMQRpcResponder(ownConnection);
    const queue = queueName();
    try {
      await served.serve(queue, ({ n }: { n: number }) => n * 10);
      await expect(client.request(queue, { n: 1 }, { timeoutMs: 5_000 })).resolves.toBe(10);
      let reconnected = false;
      ownConnection.onConnect(() => (reconnected = true));
      expect(await brokerControl.closeConnections(name)).toBe(1);
      await waitFor(() => reconnected, 'the responder connection to come back');
      // Only a consumer made after the reconnect can answer: the old channel died with its connection.
      await expect(client.request(queue, { n: 2 }, { timeoutMs: 5_000 })).resolves.toBe(20);
    } finally {
      await served.close();
      await ownConnection.close();
    }
  });

  it('refuses to serve a queue that exists with other arguments, saying what to change', async () => {
    const queue = queueName();
    await adminChannel.assertQueue(queue, { durable: false });
    const served = await responder();
    const error = await rejection(served.serve(queue, () => 1));
    expect(error).toBeInstanceOf(RpcServeError);
    expect(error.message).toMatch(/PRECONDITION_FAILED.*durable.*pass the same durable option/s);
    await expect(served.serve(queue, () => 'non-durable', { durable: false })).resolves.toBeUndefined();
    await expect(client.request(queue, {}, { timeoutMs: 5_000 })).resolves.toBe('non-durable');
  });

  it('close() stops consuming and waits for a running handler, whose reply still goes out', async () => {
    const queue = queueName();
    const served = new RabbitMQRpcResponder(connection);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    await served.serve(queue, async () => {
      started = true;
      await gate;
      return 'finished';
    });
    const reply = client.request(queue, {}, { timeoutMs: 10_000 });
    await waitFor(() => started, 'the handler to start');
    let closed = false;
    const closing = served.close().then(() => (closed = true));
    await waitFor(
      async () => (await adminChannel.checkQueue(queue)).consumerCount === 0,
      'the consumer to be cancelled',
    );
    expect(closed).toBe(false);
    release();
    await expect(reply).resolves.toBe('finished');
    await closing;
    await expect(served.serve(uniqueName('rpc'), () => 1)).rejects.toBeInstanceOf(RpcServeError);
  });

  it('is provided by CourierRabbitMQModule: client and responder on the module connection', async () => {
    @Module({
      imports: [CourierRabbitMQModule.forRoot({ uri: AMQP_URL, connectionName: uniqueName('rpc-nest') })],
    })
    class RpcAppModule {}
    const app = await NestFactory.createApplicationContext(RpcAppModule, { logger: quietLogger });
    try {
      await app.get(RabbitMQConnection).waitUntilConnected();
      const queue = queueName();
      await app.get(RabbitMQRpcResponder).serve(queue, ({ name }: { name: string }) => `hello ${name}`);
      await expect(
        app.get(RabbitMQRpcClient).request(queue, { name: 'nest' }, { timeoutMs: 5_000 }),
      ).resolves.toBe('hello nest');
    } finally {
      await app.close();
    }
  });
});
