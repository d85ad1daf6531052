import { ConsumerRunner, Outcome, type Message } from '@courier-nest/consumer';
import { RabbitMQConsumerFactory, type RabbitMQConnection } from '@courier-nest/rabbitmq';
import { quietLogger as quiet, TestQueues } from '../harness/broker';
import { brokerControl } from '../harness/broker-control';
import { uniqueName } from '../harness/env';
import { openCourierConnection } from '../harness/rabbitmq-connection';
import { waitFor } from '../harness/wait-for';

/**
 * Acks settled in one turn go to RabbitMQ as one multiple ack (AckCoalescer). These
 * tests check, against the broker's own counts, that this never acks a delivery that is
 * still running and never drops an ack at shutdown.
 */
describe('Consumer on RabbitMQ: coalesced acks', () => {
  let courier: RabbitMQConnection;
  let queues: TestQueues;
  const runners: ConsumerRunner[] = [];

  const publish = (queue: string, bodies: string[]) =>
    Promise.all(bodies.map((body) => queues.send(queue, Buffer.from(body), { messageId: body })));
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  };

  beforeAll(async () => {
    courier = await openCourierConnection(uniqueName('consumer-acks'));
    queues = await TestQueues.open('consumer_acks');
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  });
  afterAll(async () => {
    await queues.close();
    await courier.onApplicationShutdown();
  });

  it('acks later deliveries while an earlier one still runs, and never covers the running one', async () => {
    const queue = await queues.declare();
    const held = gate();
    const processed: string[] = [];
    const runner = new ConsumerRunner(
      new RabbitMQConsumerFactory(courier, { queue }),
      async (message: Message) => {
        if (message.id === 'held') await held.opened;
        processed.push(message.id);
        return Outcome.ack();
      },
      { logger: quiet, concurrency: 4 },
    );
    runners.push(runner);
    runner.start();
    await runner.waitUntilConsuming();

    // Prefetch 4: the held delivery takes one slot; the next ones only arrive if the acks
    // of those before them reached the broker.
    await publish(queue, ['held', 'a', 'b', 'c']);
    await publish(queue, ['d', 'e', 'f']);
    await waitFor(() => processed.length === 6, 'the six deliveries after the held one');
    expect(processed).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    await waitFor(async () => (await brokerControl.unacknowledged(queue)) <= 1, 'their acks at the broker', {
      intervalMs: 100,
    });
    expect(await brokerControl.unacknowledged(queue)).toBe(1); // the held one: not covered

    held.open();
    await waitFor(async () => (await brokerControl.unacknowledged(queue)) === 0, 'the held ack', {
      intervalMs: 100,
    });
    expect(processed).toContain('held');
    expect((await queues.channel.checkQueue(queue)).messageCount).toBe(0);
  });

  it('sends the acks settled just before a stop: nothing is delivered again', async () => {
    const queue = await queues.declare();
    const bodies = Array.from({ length: 50 }, (_, i) => `m${i}`);
    await publish(queue, bodies);
    const release = gate();
    let started = 0;
    const runner = new ConsumerRunner(
      new RabbitMQConsumerFactory(courier, { queue }),
      async () => {
        started++;
        await release.opened;
        return Outcome.ack();
      },
      { logger: quiet, concurrency: 50 },
    );
    runners.push(runner);
    runner.start();
    await waitFor(() => started === 50, 'all 50 deliveries running');

    // Once the subscription is cancelled the drain waits on the 50: they settle in the
    // same turn as it ends and the channel closes.
    const stopped = runner.stop();
    await waitFor(async () => (await queues.channel.checkQueue(queue)).consumerCount === 0, 'the cancel');
    release.open();
    await stopped;
    expect((await queues.channel.checkQueue(queue)).messageCount).toBe(0);
  });
});
