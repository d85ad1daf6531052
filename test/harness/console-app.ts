import { Injectable, Module, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { register } from 'prom-client';
import { CourierConsoleModule, type ConsoleAuthOptions } from '@courier-nest/console';
import { ConsumeQueue, ConsumerModule, Outcome, type Message } from '@courier-nest/consumer';
import { InboxHandler, InboxModule, type InboxMessage } from '@courier-nest/inbox';
import { OutboxModule } from '@courier-nest/outbox';
import { CourierRabbitMQModule } from '@courier-nest/rabbitmq';
import { AMQP_URL, DATABASE_URL, uniqueName } from './env';

export const CONSOLE_TOKEN = 'console-test-token-0123456789';

/** What the fixture's handlers do and saw: flip `fixed` to make the failing ones succeed. */
export interface ConsoleAppState {
  inboxFixed: boolean;
  consumerFixed: boolean;
  inboxDone: string[];
  consumed: Array<{ messageId: string | undefined; attempt: number }>;
}

export interface ConsoleApp {
  app: INestApplication;
  /** The console's base URL, e.g. http://127.0.0.1:41234/courier */
  url: string;
  schema: string;
  /** The inbox's event type; the app's own outbox publishes to it, so it feeds itself. */
  eventType: string;
  /** A destination nothing is bound to: its messages die in the outbox. */
  unrouted: string;
  /** The consumer's queue; its dead letters go to `<queue>.dead`. */
  queue: string;
  state: ConsoleAppState;
  close(): Promise<void>;
}

export interface ConsoleAppOptions {
  auth?: ConsoleAuthOptions;
  path?: string;
  /** Names of one fixture, to start it again over the same tables and queues. */
  names?: Pick<ConsoleApp, 'schema' | 'eventType' | 'unrouted' | 'queue'>;
  /** Receives the app's log lines (the console's action log among them). @default errors and warnings to the console */
  logger?: LoggerService;
}

/**
 * A service with everything the console shows, against the real PostgreSQL and
 * RabbitMQ: an outbox (publishing into its own inbox), an inbox handler that fails until
 * fixed, a consumer that rejects until fixed, and the console over HTTP on a free port.
 */
export async function startConsoleApp(options: ConsoleAppOptions = {}): Promise<ConsoleApp> {
  const names = options.names ?? {
    schema: uniqueName('console'),
    eventType: uniqueName('console_events'),
    unrouted: uniqueName('console_unrouted'),
    queue: uniqueName('console_jobs'),
  };
  const state: ConsoleAppState = { inboxFixed: false, consumerFixed: false, inboxDone: [], consumed: [] };

  @Injectable()
  class FixtureHandlers {
    @InboxHandler(names.eventType, 'flaky')
    async flaky(message: InboxMessage<{ note?: string }>) {
      if (!state.inboxFixed)
        throw new Error(`flaky handler failed on ${message.payload.note ?? 'a message'}`);
      state.inboxDone.push(message.id);
    }

    @ConsumeQueue(names.queue, { retryBackoff: { initialDelayMs: 10, maxDelayMs: 20 } })
    async job(message: Message) {
      if (!state.consumerFixed) return Outcome.reject('job refused until fixed');
      state.consumed.push({ messageId: message.attributes.messageId, attempt: message.attempt });
    }
  }

  @Module({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: DATABASE_URL, extra: { max: 6 }, logging: false }),
      CourierRabbitMQModule.forRoot({ uri: AMQP_URL }),
      OutboxModule.forRoot({
        schema: names.schema,
        migrationsRun: true,
        relay: {
          pollIntervalMs: 100,
          maxAttempts: 2,
          backoff: { initialDelayMs: 20, maxDelayMs: 50, jitter: 0 },
        },
      }),
      InboxModule.forRoot({
        schema: names.schema,
        migrationsRun: true,
        maxAttempts: 2,
        backoff: { initialDelayMs: 20, maxDelayMs: 50, jitter: 0 },
        dispatcher: { pollIntervalMs: 100 },
      }),
      ConsumerModule.forRoot(),
      CourierConsoleModule.forRoot({
        auth: options.auth ?? { token: CONSOLE_TOKEN },
        path: options.path,
        refreshIntervalMs: 500,
      }),
    ],
    providers: [FixtureHandlers],
  })
  class ConsoleFixtureModule {}

  const app = await NestFactory.create(ConsoleFixtureModule, {
    logger: options.logger ?? ['error', 'warn'],
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/${options.path ?? 'courier'}`;
  return {
    app,
    url,
    ...names,
    state,
    close: async () => {
      await app.close();
      register.clear();
    },
  };
}
