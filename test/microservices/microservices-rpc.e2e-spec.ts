import type { ChildProcess } from 'node:child_process';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connect } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import { CourierClientProxy, CourierMicroservicesModule } from '@courier-nest/microservices';
import {
  CourierRabbitMQModule,
  RpcNoResponderError,
  RpcRemoteError,
  RpcTimeoutError,
} from '@courier-nest/rabbitmq';
import { startFixtureProcess, stopFixtureProcess } from '../harness/fixture-process';
import { AMQP_URL, uniqueName } from '../harness/env';

/**
 * `ClientProxy.send()` / `@MessagePattern` over RabbitMQ direct reply-to: the responder is a
 * Nest service behind CourierServer in another process; the caller is a CourierClientProxy.
 */
const PATTERN = uniqueName('ms_stock');
const SILENT = uniqueName('ms_silent'); // a queue that exists and nobody serves
const TIMEOUT_MS = 800;

@Module({
  imports: [
    CourierRabbitMQModule.forRoot({ uri: AMQP_URL, connectionName: uniqueName('ms-requester') }),
    CourierMicroservicesModule.forRoot({ requestTimeoutMs: TIMEOUT_MS }),
  ],
})
class RequesterModule {}

describe('send() and @MessagePattern over CourierServer / CourierClientProxy', () => {
  let responder: ChildProcess;
  let app: INestApplicationContext;
  let client: CourierClientProxy;

  beforeAll(async () => {
    responder = await startFixtureProcess('microservices-responder.process.ts', [PATTERN]);
    app = await NestFactory.createApplicationContext(RequesterModule, { logger: ['error'] });
    client = app.get(CourierClientProxy);
    const connection = await connect(AMQP_URL);
    const channel = await connection.createChannel();
    await channel.assertQueue(SILENT, { durable: false, autoDelete: false });
    await connection.close();
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    if (responder) await stopFixtureProcess(responder);
    const connection = await connect(AMQP_URL);
    const channel = await connection.createChannel();
    await channel.deleteQueue(PATTERN);
    await channel.deleteQueue(SILENT);
    await connection.close();
  });

  it('gets the reply of a @MessagePattern handler in another process', async () => {
    const reply = await lastValueFrom(client.send<{ doubled: number; pid: number }>(PATTERN, { n: 21 }));
    expect(reply).toEqual({ doubled: 42, pid: responder.pid });
  });

  it('keeps concurrent requests apart', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, n) => lastValueFrom(client.send<{ doubled: number }>(PATTERN, { n }))),
    );
    expect(replies.map((reply) => reply.doubled)).toEqual(Array.from({ length: 20 }, (_, n) => n * 2));
  });

  it("gives the handler's exception back as RpcRemoteError, through Nest's exception filter", async () => {
    const error = await lastValueFrom(client.send(PATTERN, { n: 1, refuse: 'out of stock' })).catch((e) => e);
    expect(error).toBeInstanceOf(RpcRemoteError);
    expect((error as Error).message).toContain('out of stock');
  });

  it('fails with RpcNoResponderError at once when no queue has the pattern', async () => {
    const started = Date.now();
    const error = await lastValueFrom(client.send(uniqueName('ms_nobody'), {})).catch((e) => e);
    expect(error).toBeInstanceOf(RpcNoResponderError);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
  });

  it('fails with RpcTimeoutError within the timeout plus a margin when nobody answers', async () => {
    const started = Date.now();
    const error = await lastValueFrom(client.send(SILENT, {})).catch((e) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(RpcTimeoutError);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_000);
  });
});
