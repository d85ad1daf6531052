import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RabbitMQConnection } from '../connection/rabbitmq.connection';

/** Terminus indicator: up while the AMQP connection is open. */
@Injectable()
export class RabbitMQHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly connection: RabbitMQConnection,
  ) {}

  isHealthy<const Key extends string = 'rabbitmq'>(key: Key = 'rabbitmq' as Key) {
    const indicator = this.health.check(key);
    return this.connection.isConnected()
      ? indicator.up({ connected: true })
      : indicator.down({ connected: false, message: 'not connected to RabbitMQ (reconnecting)' });
  }
}
