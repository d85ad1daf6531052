import type { Channel } from 'amqplib';
import type { RabbitMQConnection } from '../connection/rabbitmq.connection';

/**
 * Makes sure each destination's exchange exists before messages go to it, on a channel
 * of its own: the broker answers a missing or mismatched exchange by closing the
 * channel, and that must not take the publish channel (and every other destination's
 * unconfirmed messages) with it.
 */
export class ExchangeChecker {
  private channel?: Channel;
  private readonly known = new Set<string>();

  constructor(
    private readonly connection: RabbitMQConnection,
    private readonly declare: boolean,
  ) {}

  /** Destinations whose exchange cannot be used, with the broker's reason. */
  async unusable(destinations: Iterable<string>): Promise<Map<string, string>> {
    const problems = new Map<string, string>();
    for (const exchange of new Set(destinations)) {
      if (this.known.has(exchange)) continue;
      try {
        const channel = await this.openChannel();
        if (this.declare) await channel.assertExchange(exchange, 'topic', { durable: true });
        else await channel.checkExchange(exchange);
        this.known.add(exchange);
      } catch (error) {
        this.channel = undefined;
        problems.set(exchange, this.connection.safe(error));
      }
    }
    return problems;
  }

  /** Forget what was seen: after a reconnect, or when a publish found an exchange gone. */
  reset(): void {
    this.known.clear();
    this.channel = undefined;
  }

  private async openChannel(): Promise<Channel> {
    if (this.channel) return this.channel;
    const channel = await this.connection.createChannel();
    // The broker closes this channel to refuse an exchange; that is reported per destination.
    channel.on('error', () => undefined);
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    this.channel = channel;
    return channel;
  }
}
