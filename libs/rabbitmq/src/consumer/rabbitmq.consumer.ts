import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Consumer, ConsumerSink } from '@courier-nest/consumer';
import { delay } from '@courier-nest/core/internal';
import { AckCoalescer } from './ack-coalescer';
import { CopyPublisher } from './confirm-publish';
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
  /** What start/stop asked for last; the serialized steps converge on it. */
  private wanted = false;
  /** start, stop and setPrefetch run one after another: their RPCs must not interleave. */
  private steps: Promise<void> = Promise.resolve();
  private open = true;
  private readonly closing = new AbortController();
  private readonly copies: CopyPublisher;
  private readonly acks: AckCoalescer;

  constructor(
    private readonly channel: ConfirmChannel,
    private prefetch: number,
    private readonly settings: RabbitMQConsumerSettings,
  ) {
    channel.on('close', () => this.broken(new Error(`channel of "${settings.queue}" closed`)));
    channel.on('error', (error: Error) => this.broken(error));
    this.copies = new CopyPublisher(channel);
    this.acks = new AckCoalescer(channel, (flush) => setImmediate(() => this.onChannel(flush)));
  }

  start(sink: ConsumerSink): Promise<void> {
    this.sink = sink;
    this.wanted = true;
    return this.step(() => this.subscribe());
  }

  stop(): Promise<void> {
    this.wanted = false;
    return this.step(() => this.unsubscribe());
  }

  /** Re-subscribes (RabbitMQ applies a per-consumer prefetch to new consumers only); a no-op if unchanged. */
  setPrefetch(prefetch: number): Promise<void> {
    if (prefetch === this.prefetch) return this.steps;
    this.prefetch = prefetch;
    return this.step(async () => {
      await this.unsubscribe();
      await this.subscribe();
    });
  }

  private step(run: () => Promise<void>): Promise<void> {
    const next = this.steps.then(run);
    this.steps = next.catch(() => undefined);
    return next;
  }

  private async subscribe(): Promise<void> {
    if (!this.wanted || this.consumerTag || !this.open) return;
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

  private async unsubscribe(): Promise<void> {
    const tag = this.consumerTag;
    this.consumerTag = undefined;
    if (tag && this.open) await this.channel.cancel(tag);
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.onChannel(() => this.acks.flush()); // the acks of this turn go out before the close
    this.open = false;
    this.closing.abort();
    await this.channel.close().catch(() => undefined);
  }

  /** Sent at the end of this turn of the event loop, with the others settled in it (see AckCoalescer). */
  ack(delivery: ConsumeMessage): void {
    this.onChannel(() => this.acks.ack(delivery));
  }

  requeue(delivery: ConsumeMessage): void {
    this.onChannel(() => {
      this.acks.settledOtherwise(delivery);
      this.channel.nack(delivery, false, true);
    });
  }

  async retry(
    delivery: ConsumeMessage,
    messageId: string,
    headers: Record<string, unknown>,
    delayMs: number,
  ): Promise<void> {
    await this.republish(delivery, async () => {
      const queue = await this.settings.retryQueues.route(this.channel, delayMs);
      await this.copies
        .publish(queue, delivery.content, republishOptions(delivery, headers, messageId))
        .catch((error) => {
          this.settings.retryQueues.forget(delayMs); // declared again on the next retry
          throw error;
        });
    });
  }

  async deadLetter(
    delivery: ConsumeMessage,
    messageId: string,
    headers: Record<string, unknown>,
  ): Promise<void> {
    await this.republish(delivery, async () => {
      // Not declared here: a declare with other arguments than the queue's would close
      // this channel. A missing dead-letter queue returns the copy, and the original goes
      // back to its queue after a pause.
      const options = republishOptions(delivery, headers, messageId);
      await this.copies.publish(this.settings.deadLetterQueue, delivery.content, options);
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
    this.acks.received(delivery);
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
