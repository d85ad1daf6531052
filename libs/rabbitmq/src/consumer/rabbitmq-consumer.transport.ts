import { Injectable } from '@nestjs/common';
import type { ConsumerFactory, ConsumerTransport } from '@courier-nest/consumer';
import { RabbitMQConnection } from '../connection/rabbitmq.connection';
import { RabbitMQConsumerFactory } from './rabbitmq-consumer.factory';

/** `@ConsumeQueue` on RabbitMQ: each queue is declared durable, with `<queue>.dead` beside it. */
@Injectable()
export class RabbitMQConsumerTransport implements ConsumerTransport {
  private readonly factories = new Map<string, RabbitMQConsumerFactory>();

  constructor(private readonly connection: RabbitMQConnection) {}

  consumerFactory(queue: string): ConsumerFactory {
    const factory = new RabbitMQConsumerFactory(this.connection, { queue });
    this.factories.set(queue, factory);
    return factory;
  }

  /** The latest factory made for each queue: the consumer queues the queue admin serves. */
  consumerFactories(): RabbitMQConsumerFactory[] {
    return [...this.factories.values()];
  }
}
