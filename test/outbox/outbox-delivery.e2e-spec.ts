import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { OutboxService } from '@courier-nest/outbox';
import { BrokerProbe, type ReceivedMessages } from '../harness/broker';
import { countRows, dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createOutboxApp } from '../harness/outbox-app';
import { waitFor } from '../harness/wait-for';

describe('Outbox delivery (PostgreSQL → relay → RabbitMQ)', () => {
  const schema = uniqueName('outbox_delivery');
  const destination = uniqueName('orders');
  let app: INestApplicationContext;
  let db: Client;
  let broker: BrokerProbe;
  let received: ReceivedMessages;
  let outbox: OutboxService;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await openDatabase();
    broker = await BrokerProbe.open();
    received = await broker.bindQueue(destination);
    app = await createOutboxApp({
      outbox: { schema, serviceName: 'orders-service', relay: { pollIntervalMs: 60_000 } },
    });
    outbox = app.get(OutboxService);
    dataSource = app.get<DataSource>(getDataSourceToken());
  });

  afterAll(async () => {
    await app?.close();
    await broker.deleteExchange(destination);
    await broker.close();
    await dropSchema(db, schema);
    await db.end();
  });

  beforeEach(() => received.messages.splice(0));

  it('publishes a committed message once, with every envelope field on the wire', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const [id] = await dataSource.transaction((manager) =>
      outbox.publish(manager, {
        destination,
        type: 'order_created',
        key: 'order-42',
        payload: { orderId: 42, lines: [{ sku: 'ä-1', qty: 2 }] },
        correlationId: 'corr-1',
        causationId: 'cause-1',
        traceparent,
        tracestate: 'vendor=value',
        headers: { tenant: 'acme' },
        occurredAt: new Date('2026-11-22T10:00:00.123Z'),
      }),
    );

    await waitFor(() => received.messages.length === 1, 'the message to arrive');
    await waitFor(async () => (await countRows(db, schema)) === 0, 'the row to leave the outbox');
    const [message] = received.messages;
    expect(JSON.parse(message.content.toString('utf8'))).toEqual({
      orderId: 42,
      lines: [{ sku: 'ä-1', qty: 2 }],
    });
    expect(message.fields).toMatchObject({ exchange: destination, routingKey: 'order_created' });
    expect(message.properties).toMatchObject({
      messageId: id,
      type: 'order_created',
      appId: 'orders-service',
      correlationId: 'corr-1',
      contentType: 'application/json',
      deliveryMode: 2,
      timestamp: Math.floor(Date.parse('2026-11-22T10:00:00.123Z') / 1000),
    });
    expect(message.properties.headers).toEqual({
      tenant: 'acme',
      'x-causation-id': 'cause-1',
      traceparent,
      tracestate: 'vendor=value',
      'x-courier-key': 'order-42',
      'x-courier-occurred-at': '2026-11-22T10:00:00.123Z',
    });
    // Nothing more arrives: exactly once from a single relay.
    await dataSource.transaction((m) => outbox.publish(m, { destination, type: 'marker', payload: null }));
    await waitFor(() => received.messages.some((m) => m.properties.type === 'marker'), 'the marker');
    expect(received.messages.filter((m) => m.properties.messageId === id)).toHaveLength(1);
  });

  it('sends no trace context at all for traceparent: null, even with a tracestate on the message', async () => {
    const [id] = await dataSource.transaction((manager) =>
      outbox.publish(manager, {
        destination,
        type: 'untraced',
        payload: { n: 1 },
        traceparent: null,
        tracestate: 'vendor=value',
        headers: { tenant: 'acme' },
      }),
    );
    await waitFor(() => received.messages.some((m) => m.properties.messageId === id), 'the message');
    const headers = received.messages.find((m) => m.properties.messageId === id)!.properties.headers!;
    expect(headers).not.toHaveProperty('traceparent');
    expect(headers).not.toHaveProperty('tracestate');
    expect(headers).toMatchObject({ tenant: 'acme' });
  });

  it('never publishes a rolled-back message while the relay is awake', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.publish(manager, { destination, type: 'ghost', payload: { n: 1 } });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    await dataSource.transaction((m) => outbox.publish(m, { destination, type: 'marker', payload: null }));

    // The marker was written after the rollback; once it is through, the ghost had its chance.
    await waitFor(() => received.messages.some((m) => m.properties.type === 'marker'), 'the marker');
    expect(received.messages.map((m) => m.properties.type)).toEqual(['marker']);
    // The marker's row leaves once its confirm is in, which can come after the delivery.
    await waitFor(async () => (await countRows(db, schema)) === 0, 'the outbox to be empty');
  });

  it('publishes out-of-order commits as they commit and never a rolled-back one', async () => {
    const runners = await Promise.all(['A', 'B', 'C', 'D'].map(() => open(dataSource)));
    const [a, b, c, d] = runners;
    for (const [runner, name] of [
      [a, 'A'],
      [b, 'B'],
      [c, 'C'],
      [d, 'D'],
    ] as const) {
      await outbox.publish(runner.manager, { destination, type: 'step', payload: { name } });
    }
    await d.commitTransaction();
    await waitFor(() => received.messages.length === 1, 'D');
    await c.rollbackTransaction();
    await b.commitTransaction();
    await waitFor(() => received.messages.length === 2, 'B');
    await a.commitTransaction();
    await waitFor(() => received.messages.length === 3, 'A');
    await Promise.all(runners.map((r) => r.release()));

    await dataSource.transaction((m) => outbox.publish(m, { destination, type: 'marker', payload: null }));
    await waitFor(() => received.messages.some((m) => m.properties.type === 'marker'), 'the marker');
    expect(received.bodies<{ name: string } | null>().slice(0, 3)).toEqual([
      { name: 'D' },
      { name: 'B' },
      { name: 'A' },
    ]);
    expect(received.messages).toHaveLength(4);
  });

  it('is not held up by a transaction left open for 10 s, and publishes its message once it commits', async () => {
    const slow = await open(dataSource);
    await outbox.publish(slow.manager, { destination, type: 'slow', payload: { slow: true } });
    const openedAt = Date.now();

    for (let i = 0; i < 5; i++) {
      await dataSource.transaction((m) => outbox.publish(m, { destination, type: 'fast', payload: { i } }));
    }
    await waitFor(
      () => received.messages.filter((m) => m.properties.type === 'fast').length === 5,
      'the fast messages',
    );
    const fastDoneAfterMs = Date.now() - openedAt;
    expect(received.messages.some((m) => m.properties.type === 'slow')).toBe(false);

    // Hold the transaction to the 10 s mark, then commit: NOTIFY wakes the relay.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - openedAt))));
    await slow.commitTransaction();
    await slow.release();
    await waitFor(() => received.messages.some((m) => m.properties.type === 'slow'), 'the slow message', {
      timeoutMs: 5_000,
    });
    expect(fastDoneAfterMs).toBeLessThan(10_000);
  }, 30_000);
});

async function open(dataSource: DataSource): Promise<QueryRunner> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  return runner;
}
