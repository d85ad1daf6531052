import { Logger, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule, type OutboxModuleOptions } from '@courier-nest/outbox';
import { CourierRabbitMQModule, type CourierRabbitMQOptions } from '@courier-nest/rabbitmq';
import { AMQP_URL, DATABASE_URL } from './env';

export interface OutboxAppOptions {
  outbox: OutboxModuleOptions;
  rabbitmq?: Partial<CourierRabbitMQOptions>;
  /** Pool size of the TypeORM DataSource. @default 10 */
  poolSize?: number;
  logger?: false | Logger;
}

/** Boots a Nest application context with TypeORM, RabbitMQ and the outbox, as a user would. */
export async function createOutboxApp(options: OutboxAppOptions): Promise<INestApplicationContext> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: DATABASE_URL,
        extra: { max: options.poolSize ?? 10 },
        logging: false,
      }),
      CourierRabbitMQModule.forRoot({ uri: AMQP_URL, ...options.rabbitmq }),
      OutboxModule.forRoot({ migrationsRun: true, ...options.outbox }),
    ],
  })
  class OutboxTestAppModule {}

  const app = await NestFactory.createApplicationContext(OutboxTestAppModule, {
    logger: options.logger ?? ['error', 'warn'],
    // Bootstrap errors must reach the test, not end the process.
    abortOnError: false,
  });
  return app;
}
