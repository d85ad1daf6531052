import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { register } from 'prom-client';
import {
  CONSUMER_QUEUE_ADMIN,
  ConsumeQueue,
  ConsumerModule,
  ConsumerRegistry,
  DeadLetterRequeueError,
  UnknownConsumerQueueError,
  type ConsumerQueueAdmin,
} from '@courier-nest/consumer';
import {
  CourierRabbitMQModule,
  RabbitMQConsumerFactory,
  RabbitMQQueueAdmin,
  retryQueueName,
  type RabbitMQConnection,
} from '@courier-nest/rabbitmq';
import { sendConfirmed } from '../harness/broker';
import { AMQP_URL, uniqueName } from '../harness/env';
import { openCourierConnection } from '../harness/rabbitmq-connection';
import type { ContractMessage } from '../consumer/consumer-contract';
import { describeQueueAdminContract } from '../consumer/queue-admin-contract';

/** Deletes a queue and everything the consumer component put beside it. */
async function deleteQueues(channel: ConfirmChannel, queue: string, retryLevels: Iterable<number> = []) {
  for (const name of [
    queue,
    `${queue}.dead`,
    ...[...retryLevels].map((level) => retryQueueName(queue, level)),
  ]) {
    await channel.deleteQueue(name).catch(() => undefined);
  }
}

async function drain(channel: ConfirmChannel, queue: string): Promise<ContractMessage[]> {
  const taken: ContractMessage[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (!message) return taken;
    taken.push({
      payload: message.content,
      headers: { ...message.properties.headers },
      messageId: message.properties.messageId,
      routingKey: message.fields.routingKey,
    });
  }
}

// The consumers and the admin on connections of their own, as two processes would be.
describeQueueAdminContract('RabbitMQ', () => {
  const factories = new Map<string, RabbitMQConsumerFactory>();
  let consumers: RabbitMQConnection;
  let adminConnection: RabbitMQConnection;
  let probe: ChannelModel;
  let channel: ConfirmChannel;
  return {
    open: async () => {
      consumers = await openCourierConnection(uniqueName('qadmin-consumers'));
      adminConnection = await openCourierConnection(uniqueName('qadmin-admin'));
      probe = await connect(AMQP_URL);
      channel = await probe.createConfirmChannel();
    },
    close: async () => {
      for (const [queue, factory] of factories) await deleteQueues(channel, queue, factory.retryLevelsMs());
      await probe.close();
      await consumers.onApplicationShutdown();
      await adminConnection.onApplicationShutdown();
    },
    newQueue: async () => {
      const queue = uniqueName('qadmin');
      factories.set(queue, new RabbitMQConsumerFactory(consumers, { queue }));
      await channel.assertQueue(queue, { durable: true });
      await channel.assertQueue(`${queue}.dead`, { durable: true });
      return queue;
    },
    publish: (queue, payload, options = {}) => sendConfirmed(channel, queue, payload, options),
    factory: (queue) => factories.get(queue)!,
    admin: () => new RabbitMQQueueAdmin(adminConnection, () => factories.values()),
    drain: (queue) => drain(channel, queue),
  };
});

describe('RabbitMQQueueAdmin on the broker', () => {
  const queues: string[] = [];
  let connection: RabbitMQConnection;
  let probe: ChannelModel;
  let channel: ConfirmChannel;
  let admin: RabbitMQQueueAdmin;

  beforeAll(async () => {
    connection = await openCourierConnection(uniqueName('qadmin-broker'));
    probe = await connect(AMQP_URL);
    channel = await probe.createConfirmChannel();
    admin = new RabbitMQQueueAdmin(connection, () =>
      queues.map((queue) => ({
        source: queue,
        deadLetterQueue: `${queue}.dead`,
        retryLevelsMs: () => [2, 4],
      })),
    );
  });
  afterAll(async () => {
    for (const queue of queues) await deleteQueues(channel, queue, [2, 4]);
    await probe.close();
    await connection.onApplicationShutdown();
  });

  async function newQueue(): Promise<string> {
    const queue = uniqueName('qadmin');
    queues.push(queue);
    await channel.assertQueue(queue, { durable: true });
    await channel.assertQueue(`${queue}.dead`, { durable: true });
    return queue;
  }

  it('counts a missing queue as 0 (the broker closes the channel on it) and keeps the shared connection', async () => {
    const queue = await newQueue();
    await channel.assertQueue(retryQueueName(queue, 4), { durable: true });
    await sendConfirmed(channel, retryQueueName(queue, 4), Buffer.from('later'));
    await sendConfirmed(channel, `${queue}.dead`, Buffer.from('dead'));
    // retry level 2 does not exist: its check fails and the next one runs on a new channel
    expect(await admin.stats(queue)).toMatchObject({ depth: 0, retryDepth: 1, deadDepth: 1 });

    await channel.deleteQueue(`${queue}.dead`);
    await channel.deleteQueue(queue);
    expect(await admin.stats(queue)).toEqual({
      queue,
      depth: 0,
      consumers: 0,
      retryDepth: 1,
      deadLetterQueue: `${queue}.dead`,
      deadDepth: 0,
    });
    expect(await admin.peekDead(queue, { offset: 0, limit: 10 })).toEqual({ items: [], total: 0 });
    expect(await admin.requeueDead(queue, { all: true })).toEqual([]);
    expect(await admin.purgeDead(queue, { messageIds: ['x'] })).toBe(0);
    expect(connection.isConnected()).toBe(true);
  });

  it('leaves a dead letter where it was when its queue is gone: the copy is returned, not acked', async () => {
    const queue = await newQueue();
    for (const id of ['d-0', 'd-1', 'd-2']) {
      await sendConfirmed(channel, `${queue}.dead`, Buffer.from(id), { messageId: id });
    }
    await channel.deleteQueue(queue);
    const error = await admin.requeueDead(queue, { messageIds: ['d-1'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadLetterRequeueError);
    expect(error).toMatchObject({ queue, messageId: 'd-1', requeued: [] });
    expect((error as Error).message).toContain('does not exist');
    expect((await drain(channel, `${queue}.dead`)).map((message) => message.messageId)).toEqual([
      'd-0',
      'd-1',
      'd-2',
    ]);
  });

  it('gives a dead letter without a message id one when it moves it, and strips the dead-letter record', async () => {
    const queue = await newQueue();
    await sendConfirmed(channel, `${queue}.dead`, Buffer.from('anonymous'), {
      headers: {
        'x-courier-attempt': 4,
        'x-death': [{ count: 1, queue, reason: 'expired' }],
        'x-first-death-reason': 'expired',
        keep: 'me',
      },
    });
    expect((await admin.peekDead(queue, { offset: 0, limit: 1 })).items[0]).toMatchObject({
      messageId: null,
      headers: expect.objectContaining({ 'x-death': expect.stringContaining('"reason":"expired"') }),
    });
    const [id] = await admin.requeueDead(queue, { all: true });
    const [moved] = await drain(channel, queue);
    expect(moved.messageId).toBe(id);
    expect(moved.headers).toMatchObject({ keep: 'me' });
    for (const header of ['x-courier-attempt', 'x-death', 'x-first-death-reason']) {
      expect(moved.headers[header]).toBeUndefined();
    }
  });
});

describe('CourierRabbitMQModule provides CONSUMER_QUEUE_ADMIN', () => {
  const queue = uniqueName('qadmin-nest');
  let app: INestApplicationContext | undefined;
  let probe: ChannelModel;
  let channel: ConfirmChannel;

  @Injectable()
  class Jobs {
    // Backoff from 2 to 4 s: retry levels 2048 and 4096 ms.
    @ConsumeQueue(queue, { maxAttempts: 2, retryBackoff: { initialDelayMs: 4_000, jitter: 0.5 } })
    handle() {}
  }

  beforeAll(async () => {
    probe = await connect(AMQP_URL);
    channel = await probe.createConfirmChannel();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    register.clear();
  });
  afterAll(async () => {
    await deleteQueues(channel, queue, [2_048, 4_096]);
    await probe.close();
  });

  it('serves the @ConsumeQueue queues, counting the retry queues their backoff can reach', async () => {
    @Module({
      imports: [CourierRabbitMQModule.forRoot({ uri: AMQP_URL }), ConsumerModule.forRoot()],
      providers: [Jobs],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
    await app.get(ConsumerRegistry).get(queue).waitUntilConsuming();
    const admin = app.get<ConsumerQueueAdmin>(CONSUMER_QUEUE_ADMIN);
    expect(admin).toBeInstanceOf(RabbitMQQueueAdmin);

    // Another replica's retry queue (never declared by this process), and nothing at 2048 ms.
    await channel.assertQueue(retryQueueName(queue, 4_096), { durable: true });
    for (const body of ['a', 'b'])
      await sendConfirmed(channel, retryQueueName(queue, 4_096), Buffer.from(body));
    expect(await admin.stats(queue)).toEqual({
      queue,
      depth: 0,
      consumers: 1,
      retryDepth: 2,
      deadLetterQueue: `${queue}.dead`,
      deadDepth: 0,
    });
    await expect(admin.stats('orders')).rejects.toThrow(new UnknownConsumerQueueError('orders', [queue]));
  });

  it('is there without ConsumerModule, and knows no consumer queue', async () => {
    @Module({ imports: [CourierRabbitMQModule.forRoot({ uri: AMQP_URL })] })
    class RabbitOnly {}
    app = await NestFactory.createApplicationContext(RabbitOnly, { logger: ['error'] });
    await expect(app.get<ConsumerQueueAdmin>(CONSUMER_QUEUE_ADMIN).stats('jobs')).rejects.toThrow(
      '"jobs" is not a consumer queue here (consumer queues: none yet (no consumer was started)). ' +
        'Pass the source queue of a consumer.',
    );
  });
});
