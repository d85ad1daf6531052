import { fork } from 'node:child_process';
import { join } from 'node:path';
import {
  Injectable,
  Module,
  type DynamicModule,
  type INestApplicationContext,
  type Type,
} from '@nestjs/common';
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
async function boot(providers: Type[], imports: DynamicModule[] = []) {
  @Module({ imports: [...imports, ConsumerModule.forRoot()], providers })
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
});
