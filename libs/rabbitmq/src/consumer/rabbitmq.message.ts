import { randomUUID } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';
import { ConsumerHeaders, SettleOnceMessage, type DeadLetterDetails } from '@courier-nest/consumer';
import { attributesOf } from './amqp-attributes.mapper';

/** What a RabbitMQ message needs from its consumer to settle on the channel it came from. */
export interface RabbitMQSettler {
  ack(delivery: ConsumeMessage): void;
  requeue(delivery: ConsumeMessage): void;
  retry(
    delivery: ConsumeMessage,
    messageId: string,
    headers: Record<string, unknown>,
    delayMs: number,
  ): Promise<void>;
  deadLetter(delivery: ConsumeMessage, messageId: string, headers: Record<string, unknown>): Promise<void>;
}

export class RabbitMQMessage extends SettleOnceMessage {
  constructor(
    /** The raw delivery, for RabbitMQ-specific processors (the inbox bridge maps it itself). */
    readonly delivery: ConsumeMessage,
    source: string,
    private readonly settler: RabbitMQSettler,
  ) {
    const attributes = attributesOf(delivery);
    super(attributes.messageId ?? randomUUID(), source, delivery.content, attributes);
  }

  protected async doAck(): Promise<void> {
    this.settler.ack(this.delivery);
  }

  protected async doNack(): Promise<void> {
    this.settler.requeue(this.delivery);
  }

  protected async doRetry(delayMs: number): Promise<void> {
    await this.settler.retry(
      this.delivery,
      this.id,
      { ...this.originalRouting(), [ConsumerHeaders.attempt]: this.attempt + 1 },
      delayMs,
    );
  }

  protected async doDeadLetter(details: DeadLetterDetails): Promise<void> {
    await this.settler.deadLetter(this.delivery, this.id, {
      ...this.originalRouting(),
      [ConsumerHeaders.originalQueue]: this.source,
      [ConsumerHeaders.deadLetterReason]: details.reason,
      [ConsumerHeaders.attempt]: this.attempt,
      [ConsumerHeaders.deadLetteredAt]: new Date().toISOString(),
    });
  }

  private originalRouting(): Record<string, string> {
    return {
      [ConsumerHeaders.originalExchange]: this.attributes.exchange,
      [ConsumerHeaders.originalRoutingKey]: this.attributes.routingKey,
    };
  }
}
