import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Client } from 'pg';
import { CourierConsoleModule } from '@courier-nest/console';
import { InboxModule } from '@courier-nest/inbox';
import { OutboxModule } from '@courier-nest/outbox';
import { DATABASE_URL } from '../../test/harness/env';

/** What the seeded rows look like, so the walks can name a filter and its expected share. */
export const SEEDED = {
  destinations: 10,
  /** One dead row in three carries this error text; the rest time out. */
  rareError: 'NO_ROUTE',
  handlers: ['reserve_stock', 'send_mail'],
} as const;

/** The console's bearer token in the bench app. */
export const BENCH_CONSOLE_TOKEN = 'bench-console-token-0123456789';

/**
 * An application with the outbox and the inbox on `schema` as an operator's process
 * would run them: no relay, no dispatcher, so the seeded rows stay as they are; and the
 * console over HTTP on a free local port, for the walks through its API.
 */
export async function bootConsoleBenchApp(schema: string): Promise<INestApplication> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: DATABASE_URL, logging: false }),
      OutboxModule.forRoot({ schema, migrationsRun: true, relay: { enabled: false } }),
      InboxModule.forRoot({
        schema,
        migrationsRun: true,
        dispatcher: { enabled: false },
        retention: { eraseIntervalMs: 0 },
      }),
      CourierConsoleModule.forRoot({ auth: { token: BENCH_CONSOLE_TOKEN } }),
    ],
  })
  class ConsoleBenchModule {}
  const app = await NestFactory.create(ConsoleBenchModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  return app;
}

/**
 * `dead` dead outbox rows (ten destinations, one in three unroutable) among `live` live
 * ones, in one INSERT … SELECT generate_series, as a long incident leaves them.
 */
export async function seedDeadOutbox(db: Client, schema: string, dead: number, live: number): Promise<void> {
  await db.query(
    `INSERT INTO "${schema}".outbox_messages (id, destination, type, key, payload, headers, correlation_id, source,
       occurred_at, attempts, last_error, dead_at, available_at)
     SELECT gen_random_uuid(), 'orders_' || (g % $2::int), 'order_created', 'k-' || g,
       '{"orderId":"o-' || g || '","lines":[{"sku":"s-1","qty":2}]}', '{"x-tenant":"t1"}', 'c-' || g, 'orders',
       now() - interval '1 hour', CASE WHEN dead THEN 5 ELSE 0 END,
       CASE WHEN NOT dead THEN NULL WHEN abs(hashtext(g::text)) % 3 = 0 THEN 'returned: unroutable: 312 ${SEEDED.rareError}'
            ELSE 'timeout: no confirm within 10000 ms' END,
       CASE WHEN dead THEN now() - interval '30 minutes' + g * interval '1 ms' END,
       CASE WHEN dead THEN 'infinity' ELSE now() + interval '1 day' END
     -- exactly $3 live rows, spread evenly among the dead ones
     FROM generate_series(1, $1::int) g,
       LATERAL (SELECT (g::bigint * $3 / $1) = ((g - 1)::bigint * $3 / $1) AS dead) d`,
    [dead + live, SEEDED.destinations, live],
  );
}

/**
 * `dead` dead inbox runs: `dead / 2` messages with both handlers dead, each with as many
 * done runs of a third handler (the rows retention has not erased yet).
 */
export async function seedDeadInbox(db: Client, schema: string, dead: number): Promise<void> {
  const messages = dead / SEEDED.handlers.length;
  await db.query(
    `INSERT INTO "${schema}".inbox_messages (id, event_type, message_type, payload, headers, occurred_at, received_at)
     SELECT 'msg-' || md5(g::text), 'order_events', 'order_created', '{"orderId":"o-' || g || '"}', '{"x-tenant":"t1"}',
       now() - interval '1 hour', now() - interval '1 hour'
     FROM generate_series(1, $1::int) g`,
    [messages],
  );
  await db.query(
    `INSERT INTO "${schema}".inbox_handler_states (message_id, handler_key, event_type, max_attempts, status, attempts,
       last_error, updated_at)
     SELECT 'msg-' || md5(g::text), h.key, 'order_events', 5, CASE WHEN h.key = 'audit' THEN 'done' ELSE 'dead' END,
       CASE WHEN h.key = 'audit' THEN 1 ELSE 5 END,
       CASE WHEN h.key = 'audit' THEN NULL WHEN abs(hashtext(g::text)) % 3 = 0 THEN 'Error: stock service ${SEEDED.rareError}'
            ELSE 'HandlerTimeoutError: timed out after 10000 ms' END,
       now() - interval '30 minutes' + g * interval '1 ms'
     FROM generate_series(1, $1::int) g CROSS JOIN unnest($2::text[]) AS h(key)`,
    [messages, [...SEEDED.handlers, 'audit']],
  );
}
