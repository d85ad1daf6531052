import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Consumer, ConsumerSink } from '@courier/consumer';
import { delay } from '@courier/core';
import { confirmPublish } from './confirm-publish';
import { republishOptions } from './amqp-attributes.mapper';
import { RabbitMQMessage, type RabbitMQSettler } from './rabbitmq.message';
import type { RetryQueues } from './retry-queues';

export interface RabbitMQConsumerSettings {
  queue: string;
  deadLetterQueue: string;
  retryQueues: RetryQueues;
  /** Wait before giving a message back when its retry or dead letter could not be published. */
  republishFailureDelayMs: number;
}

/**
 * One channel, one subscription. Retries and dead letters are published on the same
 * confirm channel and the delivery is acked only after the broker confirmed the copy:
 * a crash in between duplicates a message, never loses it.
 *
 * Prefetch is per consumer (`basic.qos` with global = false), which RabbitMQ applies
 * to consumers started after it: changing it re-subscribes on the same channel, so
 * deliveries in flight stay valid.
 */
export class RabbitMQConsumer implements Consumer, RabbitMQSettler {
  private consumerTag?: string;
  private sink?: ConsumerSink;
  private open = true;
  private readonly closing = new AbortController();

  constructor(
    private readonly channel: ConfirmChannel,
    private prefetch: number,
    private readonly settings: RabbitMQConsumerSettings,
  ) {
    channel.on('close', () => this.broken(new Error(`channel of "${settings.queue}" closed`)));
    channel.on('error', (error: Error) => this.broken(error));
  }

  async start(sink: ConsumerSink): Promise<void> {
    this.sink = sink;
    if (this.consumerTag) return;
    await this.channel.prefetch(this.prefetch, false);
    const { consumerTag } = await this.channel.consume(
      this.settings.queue,
      (delivery) => this.deliver(delivery),
      {
        noAck: false,
      },
    );
    this.consumerTag = consumerTag;
  }

  async stop(): Promise<void> {
    const tag = this.consumerTag;
    this.consumerTag = undefined;
    if (tag && this.open) await this.channel.cancel(tag);
  }

  async setPrefetch(prefetch: number): Promise<void> {
    this.prefetch = prefetch;
    if (!this.consumerTag || !this.sink) return;
    await this.stop();
    await this.start(this.sink);
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.closing.abort();
    await this.channel.close().catch(() => undefined);
  }

  ack(delivery: ConsumeMessage): void {
    this.onChannel(() => this.channel.ack(delivery));
  }

  requeue(delivery: ConsumeMessage): void {
    this.onChannel(() => this.channel.nack(delivery, false, true));
  }

  async retry(delivery: ConsumeMessage, headers: Record<string, unknown>, delayMs: number): Promise<void> {
    await this.republish(delivery, async () => {
      const queue = await this.settings.retryQueues.route(this.channel, delayMs);
      await confirmPublish(this.channel, '', queue, delivery.content, republishOptions(delivery, headers));
    });
  }

  async deadLetter(delivery: ConsumeMessage, headers: Record<string, unknown>): Promise<void> {
    await this.republish(delivery, async () => {
      // Declared on every dead letter (a rare event), so one deleted by hand comes back
      // rather than the message being dropped as unroutable.
      await this.channel.assertQueue(this.settings.deadLetterQueue, { durable: true });
      const options = republishOptions(delivery, headers);
      await confirmPublish(this.channel, '', this.settings.deadLetterQueue, delivery.content, options);
    });
  }

  /**
   * Publishes the copy, then acks the original. If the copy cannot be published, the
   * original goes back after a pause: never lost, and never redelivered in a hot loop.
   */
  private async republish(delivery: ConsumeMessage, publish: () => Promise<void>): Promise<void> {
    try {
      await publish();
      this.ack(delivery);
    } catch {
      await delay(this.settings.republishFailureDelayMs, this.closing.signal);
      this.requeue(delivery);
    }
  }

  private deliver(delivery: ConsumeMessage | null): void {
    if (delivery === null) {
      // The broker cancelled us: the queue was deleted, or a node holding it went away.
      this.consumerTag = undefined;
      this.broken(new Error(`consumer of "${this.settings.queue}" was cancelled by the broker`));
      return;
    }
    this.sink?.message(new RabbitMQMessage(delivery, this.settings.queue, this));
  }

  /** Settles on an open channel; on a closed one the broker already gave the message back. */
  private onChannel(settle: () => void): void {
    if (!this.open) return;
    try {
      settle();
    } catch {
      // IllegalOperationError: the channel closed under us; the delivery is redelivered.
    }
  }

  private broken(error: Error): void {
    if (!this.open) return;
    this.open = false;
    this.closing.abort();
    this.sink?.error(error);
  }
}
