import { Injectable } from '@nestjs/common';
import type { ConsumerFactory, ConsumerTransport } from '@courier-nest/consumer';
import { RabbitMQConnection } from '../connection/rabbitmq.connection';
import { RabbitMQConsumerFactory } from './rabbitmq-consumer.factory';

/** `@ConsumeQueue` on RabbitMQ: each queue is declared durable, with `<queue>.dead` beside it. */
@Injectable()
export class RabbitMQConsumerTransport implements ConsumerTransport {
  constructor(private readonly connection: RabbitMQConnection) {}

  consumerFactory(queue: string): ConsumerFactory {
    return new RabbitMQConsumerFactory(this.connection, { queue });
  }
}
