import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { AMQP_URL } from './env';

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
