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

interface Pending {
  delivery: ConsumeMessage;
  eventType: string;
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
  private attached = 0;
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
    const channel = this.channel;
    if (!channel) return;
    for (const tag of this.consumerTags) await channel.cancel(tag).catch(() => undefined);
    await this.flush();
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

  private consumerTags: string[] = [];

  private async attach(): Promise<void> {
    if (this.stopping) return;
    try {
      const channel = await this.connection.createConfirmChannel();
      channel.on('error', (error: Error) =>
        this.logger.warn(`Inbox channel closed by broker: ${this.connection.safe(error)}`),
      );
      channel.on('close', () => {
        if (this.channel !== channel) return;
        this.channel = undefined;
        this.attached = 0;
        // Closed by the broker while the connection lives on: attach again.
        if (!this.stopping && this.connection.isConnected())
          setTimeout(() => void this.attach(), 1_000).unref();
      });
      await channel.prefetch(this.options.inbox.prefetch);
      const deadLetterExchange = `${this.inboxOptions!.serviceName}.dead-letter`;
      await channel.assertExchange(deadLetterExchange, 'direct', { durable: true });
      this.channel = channel;
      this.consumerTags = [];
      for (const eventType of this.registry!.eventTypes()) {
        const queue = await this.declare(channel, eventType, deadLetterExchange);
        const { consumerTag } = await channel.consume(
          queue,
          (delivery) => delivery && this.enqueue({ delivery, eventType }),
        );
        this.consumerTags.push(consumerTag);
        this.attached++;
      }
      this.logger.log(
        `Consuming ${this.attached} inbox queue(s) with prefetch ${this.options.inbox.prefetch}`,
      );
    } catch (error) {
      this.logger.error(`Could not attach inbox consumers: ${this.connection.safe(error)}; retrying`);
      if (!this.stopping) setTimeout(() => void this.attach(), 2_000).unref();
    }
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
    if (this.buffer.length >= this.options.inbox.prefetch) void this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Stores what arrived since the last flush in one statement, then acks it. */
  private flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return Promise.resolve();
    const work = this.store(batch).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    return work;
  }

  private async store(batch: Pending[]): Promise<void> {
    const channel = this.channel;
    if (!channel) return; // the channel is gone: the broker redelivers these
    const valid: Pending[] = [];
    const messages = [];
    for (const pending of batch) {
      const inbound = fromDelivery(pending.delivery, pending.eventType, this.inboxOptions!.codec);
      if (inbound.ok) {
        valid.push(pending);
        messages.push(inbound.message);
      } else {
        await this.deadLetter(channel, pending, inbound.reason);
      }
    }
    if (messages.length === 0) return;
    try {
      await this.inbox!.receiveMany(messages);
      this.storeFailures = 0;
      valid.forEach(({ delivery }) => channel.ack(delivery));
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
      valid.forEach(({ delivery }) => this.channel === channel && channel.nack(delivery, false, true));
    }
  }

  private deadLetter(
    channel: ConfirmChannel,
    { delivery, eventType }: Pending,
    reason: string,
  ): Promise<void> {
    const queue = this.queueName(eventType);
    this.logger.warn(`Dead-lettering a delivery from ${queue}: ${reason}`);
    return new Promise((resolve) => {
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
          // Ack only once the copy is safe; otherwise let the broker redeliver the original.
          if (error) channel.nack(delivery, false, true);
          else channel.ack(delivery);
          resolve();
        },
      );
    });
  }
}
