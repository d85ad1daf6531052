import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { ConsumerHeaders, ConsumerRunner, Outcome, type Message } from '@courier-nest/consumer';
import {
  RabbitMQConsumerFactory,
  retryLevelMs,
  retryQueueName,
  type RabbitMQConnection,
} from '@courier-nest/rabbitmq';
import { quietLogger as quiet, sendConfirmed } from '../harness/broker';
import { brokerControl } from '../harness/broker-control';
import { AMQP_URL, uniqueName } from '../harness/env';
import { openCourierConnection } from '../harness/rabbitmq-connection';
import { waitFor } from '../harness/wait-for';

describe('Consumer on RabbitMQ: poison messages and broker restarts', () => {
  let courier: RabbitMQConnection;
  let probe: ChannelModel;
  let channel: ConfirmChannel;
  const queues: string[] = [];
  const runners: ConsumerRunner[] = [];

  const newQueue = async () => {
    const queue = uniqueName('consumer_failures');
    queues.push(queue);
    await channel.assertQueue(queue, { durable: true });
    return queue;
  };
  const publish = (queue: string, body: string, messageId: string) =>
    sendConfirmed(channel, queue, Buffer.from(body), { messageId });

  beforeAll(async () => {
    courier = await openCourierConnection(uniqueName('consumer-failures'));
    probe = await connect(AMQP_URL);
    channel = await probe.createConfirmChannel();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  });
  afterAll(async () => {
    await brokerControl.start().catch(() => undefined);
    const cleanupConnection = await connect(AMQP_URL);
    const cleanup = await cleanupConnection.createChannel();
    for (const queue of queues) {
      await cleanup.deleteQueue(queue).catch(() => undefined);
      await cleanup.deleteQueue(`${queue}.dead`).catch(() => undefined);
    }
    await cleanupConnection.close();
    await probe.close().catch(() => undefined);
    await courier.onApplicationShutdown();
  });

  it('a poison message is delivered maxAttempts times, dead-lettered, and then nothing runs', async () => {
    const queue = await newQueue();
    const deliveries: number[] = [];
    const runner = new ConsumerRunner(
      new RabbitMQConsumerFactory(courier, { queue }),
      (message: Message) => {
        deliveries.push(message.attempt);
        throw new Error('poison');
      },
      { logger: quiet, maxAttempts: 4, retryBackoff: { initialDelayMs: 16, maxDelayMs: 64, jitter: 0 } },
    );
    runners.push(runner);
    runner.start();
    await runner.waitUntilConsuming();
    await publish(queue, 'poison', 'poison-1');
    const dead = await waitFor(() => channel.get(`${queue}.dead`, { noAck: true }), 'the dead letter');
    if (!dead) throw new Error('waitFor returns only a dead letter');
    expect(dead.properties.headers?.[ConsumerHeaders.attempt]).toBe(4);
    expect(deliveries).toEqual([1, 2, 3, 4]);

    // Nothing can come back: the queue and every retry level it used are empty, and
    // the runner is idle. Its process spends next to no CPU while it waits.
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
    for (const delay of [16, 32, 64]) {
      expect((await channel.checkQueue(retryQueueName(queue, retryLevelMs(delay)))).messageCount).toBe(0);
    }
    // The dead letter's copy can be read before its confirm lets the runner ack the original.
    await waitFor(() => runner.inFlight === 0, 'the runner to settle the poison message');
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 500)); // a quiet window is the thing measured
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(100); // ms of CPU in 500 ms of wall time
    expect(deliveries).toHaveLength(4);
  });

  it('after a broker restart the consumer is recreated through the factory and nothing is lost', async () => {
    const queue = await newQueue();
    const ids = Array.from({ length: 200 }, (_, i) => `r-${i}`);
    const processed = new Set<string>();
    let created = 0;
    const factory = new RabbitMQConsumerFactory(courier, { queue });
    const counting = { source: queue, create: (o: { prefetch: number }) => (created++, factory.create(o)) };
    const runner = new ConsumerRunner(
      counting,
      async (message: Message) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        processed.add(message.id);
      },
      { logger: quiet, concurrency: 4, recreateBackoff: { initialDelayMs: 100, maxDelayMs: 500 } },
    );
    runners.push(runner);
    runner.start();
    await runner.waitUntilConsuming();
    for (const id of ids) await publish(queue, id, id);
    await waitFor(() => processed.size >= 50, 'a quarter processed');

    await probe.close().catch(() => undefined);
    await brokerControl.stop();
    await waitFor(() => !runner.isConsuming, 'the consumer gone with the broker');
    await brokerControl.start();
    probe = await connect(AMQP_URL);
    channel = await probe.createConfirmChannel();

    await waitFor(() => processed.size === ids.length, 'every message after the restart', {
      timeoutMs: 60_000,
    });
    await waitFor(async () => (await channel.checkQueue(queue)).consumerCount === 1, 'one consumer attached');
    expect(created).toBeGreaterThanOrEqual(2);
    await runner.stop();
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
    expect((await channel.checkQueue(`${queue}.dead`)).messageCount).toBe(0);
  });
});

describe('Consumer on RabbitMQ: refused declarations and racing calls', () => {
  let courier: RabbitMQConnection;
  let probe: ChannelModel;
  let channel: ConfirmChannel;
  const queues: string[] = [];

  beforeAll(async () => {
    courier = await openCourierConnection(uniqueName('consumer-races'));
    probe = await connect(AMQP_URL);
    channel = await probe.createConfirmChannel();
  });
  afterAll(async () => {
    for (const queue of queues) {
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.deleteQueue(`${queue}.dead`).catch(() => undefined);
    }
    await probe.close();
    await courier.onApplicationShutdown();
  });

  const newQueue = () => {
    const queue = uniqueName('consumer_races');
    queues.push(queue);
    return queue;
  };

  it('a queue the broker refuses to declare fails create(), not the shared connection', async () => {
    const queue = newQueue();
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-max-length': 10 } }); // other arguments
    const factory = new RabbitMQConsumerFactory(courier, { queue });
    await expect(factory.create({ prefetch: 1 })).rejects.toThrow(/PRECONDITION_FAILED/);
    expect(courier.isConnected()).toBe(true);
    const other = await courier.createChannel(); // the connection still serves channels
    await other.close();
  });

  it('pause right after start leaves no subscription behind', async () => {
    const queue = newQueue();
    await channel.assertQueue(queue, { durable: true });
    const seen: string[] = [];
    const runner = new ConsumerRunner(
      new RabbitMQConsumerFactory(courier, { queue }),
      (m) => void seen.push(m.id),
      {
        logger: quiet,
      },
    );
    runner.start();
    await runner.waitUntilConsuming();
    const scaling = runner.setConcurrency(4); // a re-subscribe in flight...
    await runner.pause(); // ...and a pause racing it
    await scaling;
    expect((await channel.checkQueue(queue)).consumerCount).toBe(0);
    channel.sendToQueue(queue, Buffer.from('later'), { messageId: 'later' });
    await channel.waitForConfirms();
    expect((await channel.checkQueue(queue)).messageCount).toBe(1);
    await runner.resume();
    await waitFor(() => seen.includes('later'), 'the message after resume');
    await runner.stop();
  });

  it('a dead letter to a queue that is gone is not acked into nowhere', async () => {
    const queue = newQueue();
    let deliveries = 0;
    const runner = new ConsumerRunner(
      new RabbitMQConsumerFactory(courier, { queue, republishFailureDelayMs: 50 }),
      () => (deliveries++, Outcome.reject('never valid')),
      { logger: quiet },
    );
    runner.start();
    await runner.waitUntilConsuming();
    await channel.deleteQueue(`${queue}.dead`);
    channel.sendToQueue(queue, Buffer.from('x'), { messageId: 'orphan' });
    await channel.waitForConfirms();
    // Returned as unroutable, so given back (not acked): it is delivered again.
    await waitFor(() => deliveries >= 2, 'a redelivery');
    await runner.stop();
    expect((await channel.checkQueue(queue)).messageCount).toBe(1);
    await channel.assertQueue(`${queue}.dead`, { durable: true });
  });
});
