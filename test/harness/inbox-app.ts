import { Module, type INestApplicationContext, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InboxModule, type InboxModuleOptions } from '@courier-nest/inbox';
import { OutboxModule, type OutboxModuleOptions } from '@courier-nest/outbox';
import { CourierPostgresModule, type CourierPostgresOptions } from '@courier-nest/postgres';
import { CourierRabbitMQModule, type CourierRabbitMQOptions } from '@courier-nest/rabbitmq';
import { AMQP_URL, DATABASE_URL } from './env';

export interface InboxAppOptions {
  inbox: InboxModuleOptions;
  /** Providers carrying @InboxHandler methods. */
  handlers: Array<Type | Provider>;
  /** Also feed the inbox from RabbitMQ (and let the app publish through an outbox). */
  rabbitmq?: Partial<CourierRabbitMQOptions> | false;
  /** Feed the inbox from the PostgreSQL transport (these options) instead of RabbitMQ. */
  postgres?: Partial<CourierPostgresOptions>;
  outbox?: OutboxModuleOptions;
}

/** Boots an app with TypeORM, the inbox and the given handler providers, as a user would. */
export async function createInboxApp(options: InboxAppOptions): Promise<INestApplicationContext> {
  const transport = options.postgres
    ? [CourierPostgresModule.forRoot({ url: DATABASE_URL, ...options.postgres })]
    : options.rabbitmq === false
      ? []
      : [CourierRabbitMQModule.forRoot({ uri: AMQP_URL, ...(options.rabbitmq ?? {}) })];
  const outbox = options.outbox ? [OutboxModule.forRoot({ migrationsRun: true, ...options.outbox })] : [];
  @Module({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: DATABASE_URL, extra: { max: 10 } }),
      ...transport,
      ...outbox,
      InboxModule.forRoot({ migrationsRun: true, ...options.inbox }),
    ],
    providers: options.handlers,
  })
  class InboxTestAppModule {}
  return NestFactory.createApplicationContext(InboxTestAppModule, {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
}
