import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import {
  InboxRegistry,
  InboxService,
  RESOLVED_INBOX_OPTIONS,
  type ResolvedInboxOptions,
} from '@courier/inbox';
import { RabbitMQConnection } from '../connection/rabbitmq.connection';
import { RESOLVED_RABBITMQ_OPTIONS, type ResolvedRabbitMQOptions } from '../rabbitmq-options.resolver';
import { fromDelivery } from './amqp-inbound.mapper';

/** Header naming why a delivery was dead-lettered by the bridge. */
export const DEAD_LETTER_REASON_HEADER = 'x-courier-dead-letter-reason';
const MAX_STORE_RETRY_DELAY_MS = 30_000;
const REATTACH_DELAY_MS = 2_000;
const MAX_STORES_IN_FLIGHT = 2;

interface Pending {
  delivery: ConsumeMessage;
  eventType: string;
  /** The channel it came on: acks go back there, and only while it is open. */
  channel: ConfirmChannel;
}

/**
 * Feeds the inbox from RabbitMQ: for every event type with handlers, a durable queue
 * (`<service>.<eventType>`) bound to the exchange of that name. Deliveries are stored
 * in batches, committed, then acked. A delivery that can never be stored (malformed)
 * is copied to the dead-letter exchange with the reason and acked, never requeued in
 * a loop; when the database is down, deliveries are requeued after a growing delay.
 * After a reconnect the consumers are attached again.
 */
@Injectable()
export class RabbitMQInboxBridge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RabbitMQInboxBridge');
  private channel?: ConfirmChannel;
  private readonly openChannels = new WeakSet<ConfirmChannel>();
  private consumerTags: string[] = [];
  private attached = 0;
  private attaching = false;
  private reattachTimer?: NodeJS.Timeout;
  private buffer: Pending[] = [];
  private flushScheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  private storeFailures = 0;
  private stopping = false;

  constructor(
    private readonly connection: RabbitMQConnection,
    @Inject(RESOLVED_RABBITMQ_OPTIONS) private readonly options: ResolvedRabbitMQOptions,
    @Optional() private readonly inbox?: InboxService,
    @Optional() private readonly registry?: InboxRegistry,
    @Optional() @Inject(RESOLVED_INBOX_OPTIONS) private readonly inboxOptions?: ResolvedInboxOptions,
  ) {}

  private get enabled(): boolean {
    return !!this.inbox && !!this.registry && !!this.inboxOptions && this.options.inbox.enabled;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.connection.onConnect(() => void this.attach());
    this.connection.onDisconnect(() => {
      this.channel = undefined;
      this.attached = 0;
    });
    if (this.connection.isConnected()) void this.attach();
  }

  /** Stops consuming, lets stored deliveries be acked, then closes the channel. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reattachTimer);
    const channel = this.channel;
    if (!channel) return;
    for (const tag of this.consumerTags) await channel.cancel(tag).catch(() => undefined);
    await this.flush(true);
    await Promise.allSettled([...this.inFlight]);
    await channel.close().catch(() => undefined);
    this.channel = undefined;
  }

  /** Consumers attached on the current connection vs event types to consume. */
  consumers(): { attached: number; expected: number } {
    return { attached: this.attached, expected: this.enabled ? this.registry!.eventTypes().length : 0 };
  }

  queueName(eventType: string): string {
    return this.options.inbox.queueName(this.inboxOptions!.serviceName, eventType);
  }

  /** Single-flight: overlapping triggers (connect, channel close, retry) never stack consumers. */
  private async attach(): Promise<void> {
    if (this.stopping || this.attaching) return;
    this.attaching = true;
    clearTimeout(this.reattachTimer);
    this.attached = 0;
    let channel: ConfirmChannel | undefined;
    try {
      channel = await this.connection.createConfirmChannel();
      this.watch(channel);
      await channel.prefetch(this.options.inbox.prefetch);
      const deadLetterExchange = `${this.inboxOptions!.serviceName}.dead-letter`;
      await channel.assertExchange(deadLetterExchange, 'direct', { durable: true });
      this.channel = channel;
      this.consumerTags = [];
      for (const eventType of this.registry!.eventTypes()) {
        const queue = await this.declare(channel, eventType, deadLetterExchange);
        const source = channel;
        const { consumerTag } = await channel.consume(
          queue,
          (delivery) => delivery && this.enqueue({ delivery, eventType, channel: source }),
        );
        this.consumerTags.push(consumerTag);
        this.attached++;
      }
      this.logger.log(
        `Consuming ${this.attached} inbox queue(s) with prefetch ${this.options.inbox.prefetch}`,
      );
    } catch (error) {
      this.logger.error(`Could not attach inbox consumers: ${this.connection.safe(error)}; retrying`);
      this.attached = 0;
      if (channel && this.channel === channel) this.channel = undefined;
      await channel?.close().catch(() => undefined);
      this.scheduleAttach();
    } finally {
      this.attaching = false;
    }
  }

  private watch(channel: ConfirmChannel): void {
    this.openChannels.add(channel);
    channel.on('error', (error: Error) =>
      this.logger.warn(`Inbox channel closed by broker: ${this.connection.safe(error)}`),
    );
    channel.on('close', () => {
      this.openChannels.delete(channel);
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.attached = 0;
      // Closed by the broker while the connection lives on: attach again.
      if (this.connection.isConnected()) this.scheduleAttach();
    });
  }

  private scheduleAttach(): void {
    if (this.stopping) return;
    clearTimeout(this.reattachTimer);
    this.reattachTimer = setTimeout(() => void this.attach(), REATTACH_DELAY_MS);
    this.reattachTimer.unref();
  }

  private async declare(
    channel: ConfirmChannel,
    eventType: string,
    deadLetterExchange: string,
  ): Promise<string> {
    const queue = this.queueName(eventType);
    const deadQueue = `${queue}.dead`;
    const { queueType, deliveryLimit } = this.options.inbox;
    await channel.assertExchange(eventType, 'topic', { durable: true });
    await channel.assertQueue(deadQueue, { durable: true });
    await channel.bindQueue(deadQueue, deadLetterExchange, deadQueue);
    // The broker's own dead-lettering (rejects, quorum delivery limit) lands in the same
    // dead queue as the bridge's, so nothing over a limit is dropped silently.
    const deadLettering = {
      'x-dead-letter-exchange': deadLetterExchange,
      'x-dead-letter-routing-key': deadQueue,
    };
    await channel.assertQueue(queue, {
      durable: true,
      arguments:
        queueType === 'quorum'
          ? { 'x-queue-type': 'quorum', 'x-delivery-limit': deliveryLimit, ...deadLettering }
          : deadLettering,
    });
    await channel.bindQueue(queue, eventType, '#');
    return queue;
  }

  private enqueue(pending: Pending): void {
    this.buffer.push(pending);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /**
   * Stores what arrived since the last flush in one statement, then acks it. At most
   * MAX_STORES_IN_FLIGHT run at once: meanwhile deliveries gather into the next, larger
   * batch (fewer, bigger INSERTs rather than many small ones competing).
   */
  private flush(force = false): Promise<void> {
    this.flushScheduled = false;
    if (!force && this.inFlight.size >= MAX_STORES_IN_FLIGHT) return Promise.resolve();
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return Promise.resolve();
    const work = this.store(batch)
      .catch((error: Error) =>
        this.logger.error(`Inbox batch failed (the broker redelivers it): ${error.message}`),
      )
      .finally(() => {
        this.inFlight.delete(work);
        if (this.buffer.length > 0) void this.flush();
      });
    this.inFlight.add(work);
    return work;
  }

  private async store(batch: Pending[]): Promise<void> {
    const valid: Pending[] = [];
    const messages = [];
    for (const pending of batch) {
      // A closed channel's deliveries are redelivered by the broker: nothing to do.
      if (!this.openChannels.has(pending.channel)) continue;
      const inbound = fromDelivery(pending.delivery, pending.eventType, this.inboxOptions!.codec);
      if (inbound.ok) {
        valid.push(pending);
        messages.push(inbound.message);
      } else {
        await this.deadLetter(pending, inbound.reason);
      }
    }
    if (messages.length === 0) return;
    try {
      await this.inbox!.receiveMany(messages);
      this.storeFailures = 0;
      valid.forEach((pending) => this.settle(pending, 'ack'));
    } catch (error) {
      this.storeFailures++;
      const delay = Math.min(
        MAX_STORE_RETRY_DELAY_MS,
        this.options.inbox.storeRetryDelayMs * 2 ** (this.storeFailures - 1),
      );
      this.logger.error(
        `Could not store ${messages.length} deliveries (${(error as Error).message}); requeueing in ${delay} ms`,
      );
      // Hold them (prefetch stops the flow meanwhile), then requeue: no hot loop.
      await new Promise((resolve) => setTimeout(resolve, delay));
      valid.forEach((pending) => this.settle(pending, 'requeue'));
    }
  }

  /** Acks or requeues on the delivery's own channel, if it is still open. */
  private settle({ delivery, channel }: Pending, how: 'ack' | 'requeue'): void {
    if (!this.openChannels.has(channel)) return;
    try {
      if (how === 'ack') channel.ack(delivery);
      else channel.nack(delivery, false, true);
    } catch (error) {
      this.logger.warn(
        `Could not ${how} a delivery (the broker redelivers it): ${this.connection.safe(error)}`,
      );
    }
  }

  private deadLetter(pending: Pending, reason: string): Promise<void> {
    const { delivery, eventType, channel } = pending;
    const queue = this.queueName(eventType);
    this.logger.warn(`Dead-lettering a delivery from ${queue}: ${reason}`);
    return new Promise((resolve) => {
      try {
        channel.publish(
          `${this.inboxOptions!.serviceName}.dead-letter`,
          `${queue}.dead`,
          delivery.content,
          {
            ...delivery.properties,
            headers: {
              ...(delivery.properties.headers ?? {}),
              [DEAD_LETTER_REASON_HEADER]: reason.slice(0, 1_000),
              'x-courier-original-exchange': delivery.fields.exchange,
              'x-courier-original-routing-key': delivery.fields.routingKey,
            },
          },
          (error: unknown) => {
            // Ack only once the copy is safe; otherwise the broker redelivers the original.
            this.settle(pending, error ? 'requeue' : 'ack');
            resolve();
          },
        );
      } catch (error) {
        this.logger.warn(`Could not dead-letter (${this.connection.safe(error)}); the broker redelivers it`);
        resolve();
      }
    });
  }
}
