import {
  connect,
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type Options,
} from 'amqplib';
import { AMQP_URL, uniqueName } from './env';

/**
 * A plain amqplib client the suites use to look at what reached RabbitMQ: a queue
 * bound to a destination exchange that records every delivery.
 */
export class BrokerProbe {
  private constructor(
    private readonly connection: ChannelModel,
    readonly channel: Channel,
  ) {}

  static async open(): Promise<BrokerProbe> {
    const connection = await connect(AMQP_URL);
    const channel = await connection.createChannel();
    return new BrokerProbe(connection, channel);
  }

  /** Declares the exchange (as the publisher would) and an exclusive queue bound to it for `pattern`. */
  async bindQueue(exchange: string, pattern = '#'): Promise<ReceivedMessages> {
    await this.channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await this.channel.assertQueue('', { exclusive: true, autoDelete: true });
    await this.channel.bindQueue(queue, exchange, pattern);
    const received = new ReceivedMessages(queue);
    await this.channel.consume(queue, (message) => message && received.push(message), { noAck: true });
    return received;
  }

  async deleteExchange(exchange: string): Promise<void> {
    await this.channel.deleteExchange(exchange).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

export class ReceivedMessages {
  readonly messages: ConsumeMessage[] = [];

  constructor(readonly queue: string) {}

  push(message: ConsumeMessage): void {
    this.messages.push(message);
  }

  ids(): string[] {
    return this.messages.map((m) => String(m.properties.messageId));
  }

  bodies<T = unknown>(): T[] {
    return this.messages.map((m) => JSON.parse(m.content.toString('utf8')) as T);
  }
}

/** Sends one persistent message to a queue and resolves once the broker confirmed it. */
export function sendConfirmed(
  channel: ConfirmChannel,
  queue: string,
  body: Buffer,
  options: Options.Publish = {},
): Promise<void> {
  return new Promise((resolve, reject) =>
    channel.sendToQueue(queue, body, { persistent: true, ...options }, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
}

/** A logger that writes nothing, for runners whose logs a test does not read. */
export const quietLogger = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

/**
 * A suite's own durable queues, on a plain confirm channel: each test declares fresh
 * ones, and `close()` deletes them with their `.dead` queues, then the connection.
 */
export class TestQueues {
  private readonly names: string[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    readonly channel: ConfirmChannel,
    private readonly prefix: string,
  ) {}

  static async open(prefix: string): Promise<TestQueues> {
    const connection = await connect(AMQP_URL);
    return new TestQueues(connection, await connection.createConfirmChannel(), prefix);
  }

  /** A new durable queue named `<prefix>_<unique>`. */
  async declare(): Promise<string> {
    const queue = uniqueName(this.prefix);
    this.names.push(queue);
    await this.channel.assertQueue(queue, { durable: true });
    return queue;
  }

  /** Sends one persistent message to a queue, confirmed by the broker. */
  send(queue: string, body: Buffer, options: Options.Publish = {}): Promise<void> {
    return sendConfirmed(this.channel, queue, body, options);
  }

  /** Deletes the declared queues and their dead-letter queues, then closes the connection. */
  async close(): Promise<void> {
    for (const queue of this.names) {
      await this.channel.deleteQueue(queue).catch(() => undefined);
      await this.channel.deleteQueue(`${queue}.dead`).catch(() => undefined);
    }
    await this.connection.close().catch(() => undefined);
  }
}
