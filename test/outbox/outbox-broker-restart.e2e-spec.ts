import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { connect } from 'amqplib';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { OutboxRelay, OutboxService } from '@courier-nest/outbox';
import { RabbitMQConnection } from '@courier-nest/rabbitmq';
import { brokerControl } from '../harness/broker-control';
import { countRows, dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, uniqueName } from '../harness/env';
import { createOutboxApp } from '../harness/outbox-app';
import { waitFor } from '../harness/wait-for';

describe('Outbox across a RabbitMQ restart', () => {
  const schema = uniqueName('outbox_restart');
  const destination = uniqueName('restart_events');
  const queue = uniqueName('restart_queue');
  let app: INestApplicationContext;
  let db: Client;

  beforeAll(async () => {
    db = await openDatabase();
    // A durable queue: it keeps what was confirmed while every connection is down.
    const setup = await connect(AMQP_URL);
    const channel = await setup.createChannel();
    await channel.assertExchange(destination, 'topic', { durable: true });
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, destination, '#');
    await setup.close();
    app = await createOutboxApp({
      outbox: { schema, relay: { batchSize: 50, pollIntervalMs: 100 } },
      rabbitmq: { reconnect: { initialDelayMs: 100, maxDelayMs: 500 }, confirmTimeoutMs: 2_000 },
    });
  });

  afterAll(async () => {
    await brokerControl.clearMemoryAlarm().catch(() => undefined);
    await brokerControl.start().catch(() => undefined);
    await app?.close();
    const cleanup = await connect(AMQP_URL);
    const channel = await cleanup.createChannel();
    await channel.deleteQueue(queue);
    await channel.deleteExchange(destination);
    await cleanup.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('removes no row without a confirm and delivers everything once the broker is back', async () => {
    const outbox = app.get(OutboxService);
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const connection = app.get(RabbitMQConnection);
    const written: string[] = [];
    const writeSome = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const ids = await dataSource.transaction((m) =>
          outbox.publish(
            m,
            ...Array.from({ length: 10 }, (_, j) => ({ destination, type: 'tick', payload: { i, j } })),
          ),
        );
        written.push(...ids);
      }
    };
    const outcomes = { published: 0, unsent: 0, failed: 0 };
    app.get(OutboxRelay).onBatch((r) => {
      outcomes.published += r.published;
      outcomes.unsent += r.unsent;
      outcomes.failed += r.failed;
    });

    // A writer keeps committing throughout, so batches are in flight when the broker goes.
    let writing = true;
    const writer = (async () => {
      while (writing) await writeSome(1);
    })();
    await waitFor(() => outcomes.published >= 300, 'the relay to be publishing');
    await brokerControl.stop();
    await waitFor(() => !connection.isConnected(), 'the relay to see the broker gone');
    const writtenBeforeOutage = written.length;
    await waitFor(() => written.length >= writtenBeforeOutage + 200, 'writes during the outage');
    expect(await countRows(db, schema)).toBeGreaterThanOrEqual(200);
    await brokerControl.start();
    await waitFor(() => outcomes.published >= written.length - 100, 'the relay to resume', {
      timeoutMs: 30_000,
    });
    writing = false;
    await writer;

    await waitFor(async () => (await countRows(db, schema)) === 0, 'the outbox to drain after the restart', {
      timeoutMs: 60_000,
    });
    const delivered = await drainQueue(queue, written.length);
    const unique = new Set(delivered);
    expect(written.filter((id) => !unique.has(id))).toEqual([]);
    // Messages in flight at the cut may be published twice (confirm lost with the connection).
    expect(delivered.length - unique.size).toBeLessThanOrEqual(outcomes.unsent + outcomes.failed);
    console.log(
      `broker restart: ${written.length} written, ${unique.size} delivered, ${delivered.length - unique.size} duplicates, ` +
        `${outcomes.unsent} unsent and ${outcomes.failed} failed attempts retried`,
    );
  }, 120_000);

  it('waits out a broker memory alarm: stops claiming while blocked, loses nothing, then delivers', async () => {
    const outbox = app.get(OutboxService);
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const connection = app.get(RabbitMQConnection);
    await brokerControl.raiseMemoryAlarm();
    try {
      // RabbitMQ blocks a connection when it next publishes: the first batch meets the alarm.
      const ids = await dataSource.transaction((m) =>
        outbox.publish(
          m,
          ...Array.from({ length: 20 }, (_, i) => ({ destination, type: 'alarmed', payload: { i } })),
        ),
      );
      await waitFor(() => connection.isBlocked(), 'the broker to block the connection');
      await waitFor(
        async () => (await countRows(db, schema, 'lease_owner IS NOT NULL AND available_at > now()')) === 0,
        'the blocked batch to settle',
      );
      const during = await dataSource.transaction((m) =>
        outbox.publish(m, { destination, type: 'alarmed', payload: { late: true } }),
      );
      // While blocked the relay does not claim: the new row keeps its first attempt unspent.
      expect(
        (await db.query(`SELECT attempts FROM "${schema}".outbox_messages WHERE id = $1`, [during[0]])).rows,
      ).toEqual([{ attempts: 0 }]);
      expect(await countRows(db, schema, 'dead_at IS NOT NULL')).toBe(0);

      await brokerControl.clearMemoryAlarm();
      await waitFor(async () => (await countRows(db, schema)) === 0, 'the rows to be published', {
        timeoutMs: 30_000,
      });
      const delivered = new Set(await drainQueue(queue, ids.length + 1));
      expect([...ids, ...during].filter((id) => !delivered.has(id))).toEqual([]);
    } finally {
      await brokerControl.clearMemoryAlarm();
    }
  }, 60_000);
});

/** Reads the queue until `expected` distinct message ids arrived (duplicates included in the result). */
async function drainQueue(queue: string, expected: number): Promise<string[]> {
  const connection = await connect(AMQP_URL);
  const channel = await connection.createChannel();
  const ids: string[] = [];
  const seen = new Set<string>();
  await channel.consume(queue, (message) => {
    if (!message) return;
    ids.push(String(message.properties.messageId));
    seen.add(String(message.properties.messageId));
    channel.ack(message);
  });
  await waitFor(() => seen.size >= expected, `${expected} distinct messages in ${queue}`, {
    timeoutMs: 30_000,
  });
  await connection.close();
  return ids;
}
