/**
 * The producing service of bench:e2e in its own process: an outbox app (TypeORM,
 * RabbitMQ or the PostgreSQL transport, the outbox with its relay at the defaults). On `run` it commits one
 * message per transaction to the exchange at the given rate (open loop) and replies
 * with each message's commit time on the shared clock; on `confirmed` it replies with
 * when the relay had each message confirmed by the broker (a wrapper on the publisher,
 * one stamp per message). On `baseline` it commits the same transactions without the
 * outbox (one INSERT into a table of its own each), for what they cost alone.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OUTBOX_PUBLISHER, type OutboxDelivery, type OutboxPublisher } from '@courier-nest/core';
import { OutboxService } from '@courier-nest/outbox';
import { RabbitMQConnection } from '@courier-nest/rabbitmq';
import { createOutboxApp } from '../../test/harness/outbox-app';
import { benchPayload } from '../support/bench-messages';
import { runOpenLoop } from '../support/open-loop';
import { sharedNowMs } from '../support/shared-clock';
import { replyToRun, runMain, serveBench } from './process-ipc';

const config = JSON.parse(process.argv[2]) as { schema: string; exchange: string; busSchema?: string };

runMain(async () => {
  const app = await createOutboxApp({
    outbox: { schema: config.schema, serviceName: 'courier-bench-e2e' },
    postgres: config.busSchema ? { schema: config.busSchema } : undefined,
  });
  if (!config.busSchema) await app.get(RabbitMQConnection).waitUntilConnected();
  const outbox = app.get(OutboxService);
  const dataSource = app.get<DataSource>(getDataSourceToken());

  let confirmed = new Map<string, number>();
  const publisher = app.get<OutboxPublisher>(OUTBOX_PUBLISHER);
  const publishBatch = publisher.publishBatch.bind(publisher);
  publisher.publishBatch = async (messages: readonly OutboxDelivery[]) => {
    const results = await publishBatch(messages);
    const at = sharedNowMs();
    for (const message of messages) confirmed.set(message.id, at);
    return results;
  };

  const write = async (seq: number): Promise<string> => {
    const id = randomUUID();
    await dataSource.transaction((manager) =>
      outbox.publish(manager, {
        id,
        destination: config.exchange,
        type: 'bench_event',
        key: `ord-${seq}`,
        payload: benchPayload(seq),
      }),
    );
    return id;
  };

  // The baseline's table: the producer's own row, as an application would write it beside the outbox's.
  const orders = `"${config.schema}".bench_orders`;
  await dataSource.query(
    `CREATE TABLE IF NOT EXISTS ${orders} (id uuid PRIMARY KEY, payload jsonb NOT NULL)`,
  );
  const writeOrder = async (seq: number): Promise<string> => {
    const id = randomUUID();
    await dataSource.transaction((manager) =>
      manager.query(`INSERT INTO ${orders} (id, payload) VALUES ($1, $2)`, [id, benchPayload(seq)]),
    );
    return id;
  };

  serveBench(
    {
      baseline: async ({ rate, total }) => {
        const { errors } = await runOpenLoop(rate as number, total as number, writeOrder, new Map());
        return { type: 'baseline', sent: (total as number) - errors };
      },
      run: (message) => replyToRun(message, write),
      confirmed: () => {
        const reply = { type: 'confirmed', confirmed: [...confirmed] };
        confirmed = new Map();
        return reply;
      },
    },
    () => app.close(),
  );
});
