import { fork } from 'node:child_process';
import { join } from 'node:path';
import {
  Injectable,
  Module,
  type DynamicModule,
  type ForwardReference,
  type INestApplicationContext,
  type Type,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { register } from 'prom-client';
import {
  ConsumeQueue,
  ConsumerConfigurationError,
  ConsumerModule,
  ConsumerRegistry,
  InMemoryBroker,
  Outcome,
  type Message,
} from '@courier-nest/consumer';
import { CourierRabbitMQModule } from '@courier-nest/rabbitmq';
import { sendConfirmed } from '../harness/broker';
import { AMQP_URL, uniqueName } from '../harness/env';
import { waitFor } from '../harness/wait-for';

const jobs = uniqueName('jobs');
const processed: string[] = [];
let releaseSlow!: () => void;
const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));

@Injectable()
class JobsConsumer {
  @ConsumeQueue(jobs, { concurrency: 2, retryBackoff: { initialDelayMs: 10, maxDelayMs: 20 } })
  async process(message: Message) {
    const body = message.decode<{ name: string; slow?: boolean; invalid?: boolean }>();
    if (body.invalid) return Outcome.reject('no such job');
    if (body.slow) await slowGate;
    processed.push(body.name);
  }
}

const rabbitmq = () => [CourierRabbitMQModule.forRoot({ uri: AMQP_URL })];

// Bootstrap failures are checked without a broker connection: a failed boot is never closed.
async function boot(
  providers: Type[],
  imports: (DynamicModule | Promise<DynamicModule> | ForwardReference)[] = [],
  consumerModule: DynamicModule = ConsumerModule.forRoot(),
) {
  @Module({ imports: [...imports, consumerModule], providers })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger: ['error'], abortOnError: false });
}

describe('ConsumerModule with RabbitMQ', () => {
  let connection: ChannelModel;
  let channel: ConfirmChannel;
  let app: INestApplicationContext | undefined;

  const publish = (queue: string, body: object) =>
    sendConfirmed(channel, queue, Buffer.from(JSON.stringify(body)));

  beforeAll(async () => {
    connection = await connect(AMQP_URL);
    channel = await connection.createConfirmChannel();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    register.clear();
  });
  afterAll(async () => {
    await channel.deleteQueue(jobs).catch(() => undefined);
    await channel.deleteQueue(`${jobs}.dead`).catch(() => undefined);
    await connection.close();
  });

  it('runs @ConsumeQueue methods, counts outcomes in metrics and drains in-flight work on close', async () => {
    app = await boot([JobsConsumer], rabbitmq());
    const runner = app.get(ConsumerRegistry).get(jobs);
    await runner.waitUntilConsuming();
    for (const name of ['a', 'b', 'c']) await publish(jobs, { name });
    await publish(jobs, { name: 'bad', invalid: true });
    await waitFor(() => processed.length === 3, 'three jobs');
    const dead = await waitFor(() => channel.get(`${jobs}.dead`, { noAck: true }), 'the rejected job');
    if (!dead) throw new Error('unreachable: waitFor returns a truthy value');
    expect(JSON.parse(dead.content.toString())).toEqual({ name: 'bad', invalid: true });

    // The copy is in the dead queue once the broker routed it; the runner counts the
    // settlement only after the broker's confirm reached it and the original was acked.
    const deadLettered = `courier_consumer_settled_total{queue="${jobs}",outcome="dead_letter"} 1`;
    const metrics = await waitFor(async () => {
      const text = await register.getSingleMetricAsString('courier_consumer_settled_total');
      return text.includes(deadLettered) ? text : undefined;
    }, 'the dead letter to be counted');
    expect(metrics).toContain(`courier_consumer_settled_total{queue="${jobs}",outcome="ack"} 3`);
    expect(metrics).toContain(deadLettered);

    await publish(jobs, { name: 'slow', slow: true });
    await waitFor(() => runner.inFlight === 1, 'the slow job running');
    const closing = app.close();
    app = undefined;
    setImmediate(releaseSlow);
    await closing;
    expect(processed).toContain('slow');
    expect((await channel.checkQueue(jobs)).messageCount).toBe(0);
  });

  it('refuses two methods on one queue, and a bad option, at bootstrap with the method named', async () => {
    @Injectable()
    class Twice {
      @ConsumeQueue('same-queue') one() {}
      @ConsumeQueue('same-queue') two() {}
    }
    await expect(boot([Twice])).rejects.toThrow(
      new ConsumerConfigurationError(
        'Twice.two and Twice.one both consume queue "same-queue": one queue, one consumer method (use concurrency to scale).',
      ),
    );
    @Injectable()
    class BadOption {
      @ConsumeQueue('q', { concurrency: 0 }) run() {}
    }
    await expect(boot([BadOption])).rejects.toThrow(
      'BadOption.run: Option "concurrency" must be an integer from 1 to 10000; got 0.',
    );
  });

  it('says which module to import when there is no transport', async () => {
    @Injectable()
    class Orphan {
      @ConsumeQueue('orphan') run() {}
    }
    await expect(boot([Orphan])).rejects.toThrow(
      /Orphan\.run consume queues, but no transport is configured: import CourierRabbitMQModule/,
    );
  });

  it('runs on the in-memory transport given in forRoot', async () => {
    const broker = new InMemoryBroker();
    const seen: string[] = [];
    @Injectable()
    class Local {
      @ConsumeQueue('local') run(message: Message) {
        seen.push(message.payload.toString());
      }
    }
    @Module({ imports: [ConsumerModule.forRoot({ transport: broker })], providers: [Local] })
    class LocalModule {}
    app = await NestFactory.createApplicationContext(LocalModule, { logger: ['error'] });
    broker.publish('local', 'hello');
    await waitFor(() => seen.length === 1, 'the in-memory delivery');
    expect(seen).toEqual(['hello']);
  });

  it('"exit" stops the application with a non-zero exit code and gives the message back', async () => {
    const queue = uniqueName('fatal');
    await channel.assertQueue(queue, { durable: true });
    try {
      const child = fork(join(__dirname, '../fixtures/exit-consumer.process.ts'), [queue], {
        execArgv: ['-r', '@swc-node/register'],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
      );
      await new Promise((resolve) => child.once('message', resolve));
      await publish(queue, { name: 'fatal' });
      expect(await exited).not.toBe(0);
      expect((await channel.checkQueue(queue)).messageCount).toBe(1);
    } finally {
      await channel.deleteQueue(queue);
      await channel.deleteQueue(`${queue}.dead`);
    }
  });

  describe('queue names from configuration (@ConsumeQueue({ key }))', () => {
    it('consumes the queue a forRootAsync factory reads from ConfigService', async () => {
      const ordersQueue = uniqueName('orders');
      const seen: string[] = [];
      @Injectable()
      class OrdersConsumer {
        @ConsumeQueue({ key: 'orders' })
        handle(message: Message) {
          seen.push(message.decode<{ id: string }>().id);
        }
      }
      try {
        app = await boot(
          [OrdersConsumer],
          [
            ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ ORDERS_QUEUE: ordersQueue })] }),
            ...rabbitmq(),
          ],
          ConsumerModule.forRootAsync({
            imports: [ConfigModule],
            inject: [ConfigService],
            useFactory: (config: ConfigService) => ({
              queues: { orders: config.getOrThrow<string>('ORDERS_QUEUE') },
            }),
          }),
        );
        const runner = app.get(ConsumerRegistry).get({ key: 'orders' });
        expect(runner.source).toBe(ordersQueue);
        expect(app.get(ConsumerRegistry).get(ordersQueue)).toBe(runner);
        await runner.waitUntilConsuming();
        await publish(ordersQueue, { id: 'o-1' });
        await waitFor(() => seen.length === 1, 'the order from the configured queue');
        expect(seen).toEqual(['o-1']);
      } finally {
        await app?.close();
        app = undefined;
        await channel.deleteQueue(ordersQueue).catch(() => undefined);
        await channel.deleteQueue(`${ordersQueue}.dead`).catch(() => undefined);
      }
    });

    it('fails the bootstrap on a key the factory did not configure, naming it and the known keys', async () => {
      @Injectable()
      class Typo {
        @ConsumeQueue({ key: 'order' }) handle() {}
      }
      await expect(
        boot(
          [Typo],
          [],
          ConsumerModule.forRootAsync({
            useFactory: async () => ({
              transport: new InMemoryBroker(),
              queues: { orders: 'o', invoices: 'i' },
            }),
          }),
        ),
      ).rejects.toThrow(
        new ConsumerConfigurationError(
          'Typo.handle: @ConsumeQueue({ key: "order" }) names no queue: ConsumerModule "queues" has orders, invoices. ' +
            'Add "order" to ConsumerModule.forRoot({ queues }) or to what forRootAsync\'s factory returns, or fix the key.',
        ),
      );
    });

    it('fails the bootstrap on a configured name that is missing, naming its key', async () => {
      @Injectable()
      class Orders {
        @ConsumeQueue({ key: 'orders' }) handle() {}
      }
      await expect(
        boot(
          [Orders],
          [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({})] })],
          ConsumerModule.forRootAsync({
            imports: [ConfigModule],
            inject: [ConfigService],
            useFactory: (config: ConfigService) => ({
              transport: new InMemoryBroker(),
              queues: { orders: config.get<string>('ORDERS_QUEUE')! },
            }),
          }),
        ),
      ).rejects.toThrow(
        'ConsumerModule "queues.orders" must be a queue name of 1-255 bytes; got undefined (is the setting it is read from missing?).',
      );
    });
  });

  it('pause({ drain: true }) through ConsumerRegistry resolves after the running message settled', async () => {
    const queue = uniqueName('drain');
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    @Injectable()
    class Draining {
      @ConsumeQueue(queue, { concurrency: 1 })
      async handle(message: Message) {
        const { id } = message.decode<{ id: string }>();
        events.push(`started ${id}`);
        await gate;
        events.push(`finished ${id}`);
      }
    }
    try {
      app = await boot([Draining], rabbitmq());
      const runner = app.get(ConsumerRegistry).get(queue);
      await runner.waitUntilConsuming();
      await publish(queue, { id: 'd-1' });
      await publish(queue, { id: 'd-2' });
      await waitFor(() => runner.inFlight === 1, 'd-1 running');

      const drained = runner.pause({ drain: true }).then(() => void events.push('drained'));
      // Paused: the subscription is cancelled, d-2 waits in the queue.
      await waitFor(async () => (await channel.checkQueue(queue)).consumerCount === 0, 'the cancel');
      release();
      await drained;
      expect(events).toEqual(['started d-1', 'finished d-1', 'drained']);
      expect(await channel.checkQueue(queue)).toMatchObject({ messageCount: 1, consumerCount: 0 });
      expect(runner.inFlight).toBe(0);
      expect(runner.status).toBe('paused');
    } finally {
      await app?.close();
      app = undefined;
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.deleteQueue(`${queue}.dead`).catch(() => undefined);
    }
  });
});
