import {
  Logger,
  Module,
  type INestApplication,
  type INestApplicationContext,
  type Provider,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule, type OutboxModuleOptions } from '@courier-nest/outbox';
import { CourierPostgresModule, type CourierPostgresOptions } from '@courier-nest/postgres';
import { CourierRabbitMQModule, type CourierRabbitMQOptions } from '@courier-nest/rabbitmq';
import { AMQP_URL, DATABASE_URL } from './env';

export interface OutboxAppOptions {
  outbox: OutboxModuleOptions;
  rabbitmq?: Partial<CourierRabbitMQOptions>;
  /** Publish through the PostgreSQL transport (these options) instead of RabbitMQ. */
  postgres?: Partial<CourierPostgresOptions>;
  /** Pool size of the TypeORM DataSource. @default 10 */
  poolSize?: number;
  logger?: false | Logger;
  /** The app's own providers (services using the outbox). */
  providers?: Provider[];
}

export interface OutboxHttpAppOptions extends OutboxAppOptions {
  controllers?: Type[];
}

/** TypeORM, the transport (RabbitMQ unless `postgres` is given) and the outbox, as a user's root module would import them. */
function outboxAppModule(options: OutboxHttpAppOptions): Type {
  @Module({
    imports: [
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: DATABASE_URL,
        extra: { max: options.poolSize ?? 10 },
        logging: false,
      }),
      options.postgres
        ? CourierPostgresModule.forRoot({ url: DATABASE_URL, ...options.postgres })
        : CourierRabbitMQModule.forRoot({ uri: AMQP_URL, ...options.rabbitmq }),
      OutboxModule.forRoot({ migrationsRun: true, ...options.outbox }),
    ],
    providers: options.providers ?? [],
    controllers: options.controllers ?? [],
  })
  class OutboxTestAppModule {}
  return OutboxTestAppModule;
}

/** Boots a Nest application context with TypeORM, RabbitMQ and the outbox, as a user would. */
export async function createOutboxApp(options: OutboxAppOptions): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(outboxAppModule(options), {
    logger: options.logger ?? ['error', 'warn'],
    // Bootstrap errors must reach the test, not end the process.
    abortOnError: false,
  });
}

/** The same with an HTTP server (Express) listening on a free local port: see `app.getUrl()`. */
export async function createOutboxHttpApp(options: OutboxHttpAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create(outboxAppModule(options), {
    logger: options.logger ?? ['error', 'warn'],
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  return app;
}
