import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Client } from 'pg';
import { register } from 'prom-client';
import type { DataSource } from 'typeorm';
import { OutboxHealthIndicator, OutboxMetricNames, OutboxRelay, OutboxService } from '@courier-nest/outbox';
import { BrokerProbe } from '../harness/broker';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createOutboxApp } from '../harness/outbox-app';
import { waitFor } from '../harness/wait-for';

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Metrics are counted after a batch's settle commits, so a row can show an outcome a moment before they do. */
async function metricReaches(name: string, labels: Record<string, string>, atLeast: number): Promise<void> {
  await waitFor(
    async () => (await metricValue(name, labels)) >= atLeast,
    `${name} ${JSON.stringify(labels)} ≥ ${atLeast}`,
  );
}

async function rowOf(db: Client, schema: string, id: string) {
  const { rows } = await db.query(
    `SELECT attempts, last_error, dead_at, lease_owner FROM "${schema}".outbox_messages WHERE id = $1`,
    [id],
  );
  return rows[0] as { attempts: number; last_error: string | null; dead_at: Date | null } | undefined;
}

describe('Outbox failures: unroutable messages and missing exchanges', () => {
  const schema = uniqueName('outbox_failures');
  const unrouted = uniqueName('unrouted');
  let app: INestApplicationContext;
  let db: Client;
  let broker: BrokerProbe;
  let outbox: OutboxService;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await openDatabase();
    broker = await BrokerProbe.open();
    app = await createOutboxApp({
      outbox: {
        schema,
        relay: {
          pollIntervalMs: 50,
          maxAttempts: 3,
          backoff: { initialDelayMs: 20, maxDelayMs: 50, jitter: 0 },
        },
      },
    });
    outbox = app.get(OutboxService);
    dataSource = app.get<DataSource>(getDataSourceToken());
  });

  afterAll(async () => {
    await app?.close();
    await broker.deleteExchange(unrouted);
    await broker.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('keeps an unroutable message, counts each failed attempt, shows it dead in health and metrics, and requeues it', async () => {
    const [id] = await dataSource.transaction((m) =>
      outbox.publish(m, { destination: unrouted, type: 'nobody_listens', payload: {} }),
    );

    const dead = await waitFor(async () => {
      const row = await rowOf(db, schema, id);
      return row?.dead_at ? row : undefined;
    }, 'the message to be dead after 3 attempts');
    expect(dead.attempts).toBe(3);
    expect(dead.last_error).toMatch(/returned: unroutable: 312 NO_ROUTE/);
    await metricReaches(OutboxMetricNames.dead, { destination: unrouted }, 1);
    expect(await metricValue(OutboxMetricNames.failed, { destination: unrouted, reason: 'returned' })).toBe(
      3,
    );
    expect(await metricValue(OutboxMetricNames.dead, { destination: unrouted })).toBe(1);
    expect(await metricValue(OutboxMetricNames.published, { destination: unrouted })).toBe(0);

    const health = await app.get(OutboxHealthIndicator).isHealthy('outbox', { maxDead: 0 });
    expect(health.outbox).toMatchObject({
      status: 'down',
      dead: 1,
      relayRunning: true,
      brokerConnected: true,
    });
    const deadList = await outbox.listDead({ destination: unrouted });
    expect(deadList).toEqual([
      expect.objectContaining({ id, attempts: 3, lastError: expect.stringMatching(/NO_ROUTE/) }),
    ]);

    // The operator binds a queue and requeues: it is published, once.
    const received = await broker.bindQueue(unrouted);
    expect(await outbox.requeueDead([id])).toEqual([id]);
    await waitFor(() => received.messages.length === 1, 'the requeued message');
    await waitFor(async () => (await rowOf(db, schema, id)) === undefined, 'the row to be removed');
    expect(received.ids()).toEqual([id]);
    expect((await app.get(OutboxHealthIndicator).isHealthy('outbox', { maxDead: 0 })).outbox.status).toBe(
      'up',
    );
  });
});

describe('Outbox relay facing a missing exchange (declareExchanges: false)', () => {
  const schema = uniqueName('outbox_noexchange');
  const missing = uniqueName('missing');
  const present = uniqueName('present');
  let app: INestApplicationContext;
  let db: Client;
  let broker: BrokerProbe;

  beforeAll(async () => {
    db = await openDatabase();
    broker = await BrokerProbe.open();
    app = await createOutboxApp({
      outbox: {
        schema,
        relay: { pollIntervalMs: 50, maxAttempts: 100, backoff: { initialDelayMs: 50, maxDelayMs: 100 } },
      },
      rabbitmq: { declareExchanges: false },
    });
  });

  afterAll(async () => {
    await app?.close();
    await broker.deleteExchange(present);
    await broker.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('fails only the messages of the missing exchange, in the same batch as healthy ones, and keeps running', async () => {
    const outbox = app.get(OutboxService);
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const received = await broker.bindQueue(present);
    const [lostId, okId] = await dataSource.transaction((m) =>
      outbox.publish(
        m,
        { destination: missing, type: 't', payload: 1 },
        { destination: present, type: 't', payload: 2 },
      ),
    );

    const failed = await waitFor(async () => {
      const row = await rowOf(db, schema, lostId);
      return row && row.attempts >= 1 ? row : undefined;
    }, 'a failed attempt');
    expect(failed.last_error).toMatch(/channel-error: .*404 \(NOT-FOUND\).*no exchange/);
    await waitFor(() => received.messages.length === 1, 'the message to the existing exchange');
    expect(received.ids()).toEqual([okId]);
    await metricReaches(OutboxMetricNames.failed, { destination: missing, reason: 'channel-error' }, 1);
    expect(await metricValue(OutboxMetricNames.failed, { destination: present })).toBe(0);

    // Later batches still flow.
    const [laterId] = await dataSource.transaction((m) =>
      outbox.publish(m, { destination: present, type: 't', payload: 3 }),
    );
    await waitFor(() => received.messages.length === 2, 'a later message');
    expect(received.ids()).toEqual([okId, laterId]);
    expect(app.get(OutboxRelay).isRunning()).toBe(true);
    expect(await rowOf(db, schema, lostId)).toMatchObject({ dead_at: null });
  });
});
