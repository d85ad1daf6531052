import { ConsoleLogger, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { InvalidOptionError } from '@courier-nest/core';
import { OUTBOX_PUBLISHER, OutboxModule, OutboxService, type OutboxPublisher } from '@courier-nest/outbox';
import { ConsumerBuilder } from '@courier-nest/consumer';
import {
  CourierRabbitMQModule,
  RabbitMQConnection,
  RabbitMQConsumerFactory,
  RabbitMQHealthIndicator,
} from '@courier-nest/rabbitmq';
import { BrokerProbe } from '../harness/broker';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, DATABASE_URL, uniqueName } from '../harness/env';
import { freePort } from '../harness/sample-app-process';
import { waitFor } from '../harness/wait-for';

/** Every line the application logs, to check what never appears in it. */
class RecordingLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  protected override printMessages(messages: unknown[], context = '', level = 'log'): void {
    this.lines.push(`${level} [${context}] ${messages.map(String).join(' ')}`);
  }
}

describe('CourierRabbitMQModule', () => {
  it('keeps the password out of logs, health and publish results when the broker refuses the login', async () => {
    const secret = 'S3cret-Pa55word';
    const logger = new RecordingLogger();
    @Module({
      imports: [
        CourierRabbitMQModule.forRoot({
          uri: `amqp://guest:${secret}@127.0.0.1:5672`,
          reconnect: { initialDelayMs: 50, maxDelayMs: 100 },
        }),
      ],
    })
    class WrongPasswordModule {}
    const app = await NestFactory.createApplicationContext(WrongPasswordModule, { logger });

    await waitFor(
      () => logger.lines.filter((l) => l.includes('Cannot connect')).length >= 2,
      'two refused attempts',
    );
    const publisher = app.get<OutboxPublisher>(OUTBOX_PUBLISHER);
    const [result] = await publisher.publishBatch([
      {
        id: 'x',
        destination: 'd',
        type: 't',
        key: null,
        body: '{}',
        correlationId: 'x',
        causationId: null,
        traceparent: null,
        tracestate: null,
        headers: {},
        occurredAt: new Date(),
        source: 's',
      },
    ]);
    const health = await app.get(RabbitMQHealthIndicator).isHealthy();
    await app.close();

    expect(logger.lines.join('\n')).toMatch(/ACCESS_REFUSED|Cannot connect/);
    expect(logger.lines.join('\n')).not.toContain(secret);
    expect(JSON.stringify(health)).not.toContain(secret);
    expect(health.rabbitmq.status).toBe('down');
    expect(result).toEqual({ status: 'unsent', error: 'broker not connected' });
  });

  it('refuses a URI that is not amqp(s):// at bootstrap without echoing it', () => {
    const error = (() => {
      try {
        CourierRabbitMQModule.forRoot({ uri: 'http://admin:hunter2@rabbit:5672' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error!.message).toMatch(/Option "uri" must be an amqp:\/\/ or amqps:\/\/ URL/);
    expect(error!.message).not.toContain('hunter2');
  });

  it('keeps a user-only secret (amqp://TOKEN@host) out of logs, errors and health when the broker is unreachable', async () => {
    const token = 'Us3r-0nly-T0ken';
    const port = await freePort(); // nothing listens there
    const logger = new RecordingLogger();
    @Module({
      imports: [
        CourierRabbitMQModule.forRoot({
          uri: `amqp://${token}@127.0.0.1:${port}/?auth=${token}`,
          reconnect: { initialDelayMs: 50, maxDelayMs: 100 },
        }),
      ],
    })
    class UnreachableModule {}
    const app = await NestFactory.createApplicationContext(UnreachableModule, { logger });
    const connection = app.get(RabbitMQConnection);
    const runner = new ConsumerBuilder(
      new RabbitMQConsumerFactory(connection, { queue: uniqueName('h_fix_unreachable') }),
    )
      .withProcessor(async () => undefined)
      .build();
    runner.start();
    try {
      // The runner's "not reachable" warning: the factory waits 5 s for the connection.
      await waitFor(
        () => logger.lines.some((l) => l.includes('not reachable')),
        'the not-reachable warning',
        {
          timeoutMs: 20_000,
        },
      );
      const refused = await connection.waitUntilConnected(10).catch((error: Error) => error);
      const health = await app.get(RabbitMQHealthIndicator).isHealthy();

      const logs = logger.lines.join('\n');
      expect(logs).toContain(
        `RabbitMQ not reachable at amqp://***@127.0.0.1:${port}/?auth=*** within 5000 ms`,
      );
      expect(logs).toContain('Cannot connect');
      expect(logs).not.toContain(token);
      expect((refused as Error).message).toBe(
        `RabbitMQ not reachable at amqp://***@127.0.0.1:${port}/?auth=*** within 10 ms`,
      );
      expect(JSON.stringify(health)).not.toContain(token);
      expect(health.rabbitmq.status).toBe('down');
    } finally {
      await runner.stop();
      await app.close();
    }
  });
});

describe('forRootAsync with @nestjs/config', () => {
  const schema = uniqueName('outbox_async');
  const destination = uniqueName('async_events');

  it('wires both modules from ConfigService and delivers a message', async () => {
    const db = await openDatabase();
    const broker = await BrokerProbe.open();
    const received = await broker.bindQueue(destination);
    @Module({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [() => ({ DATABASE_URL, AMQP_URL, OUTBOX_SCHEMA: schema, SERVICE_NAME: 'async-service' })],
        }),
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            type: 'postgres',
            url: config.getOrThrow('DATABASE_URL'),
          }),
        }),
        CourierRabbitMQModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({ uri: config.getOrThrow('AMQP_URL') }),
        }),
        OutboxModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            schema: config.getOrThrow('OUTBOX_SCHEMA'),
            serviceName: config.getOrThrow('SERVICE_NAME'),
            migrationsRun: true,
          }),
        }),
      ],
    })
    class AsyncAppModule {}
    const app = await NestFactory.createApplicationContext(AsyncAppModule, {
      logger: ['error'],
      abortOnError: false,
    });
    try {
      await app.get(RabbitMQConnection).waitUntilConnected();
      const dataSource = app.get<DataSource>(getDataSourceToken());
      const [id] = await dataSource.transaction((m) =>
        app.get(OutboxService).publish(m, { destination, type: 'hello', payload: { ok: 1 } }),
      );
      await waitFor(() => received.messages.length === 1, 'the message');
      expect(received.messages[0].properties).toMatchObject({ messageId: id, appId: 'async-service' });
    } finally {
      await app.close();
      await broker.deleteExchange(destination);
      await broker.close();
      await dropSchema(db, schema);
      await db.end();
    }
  });
});
