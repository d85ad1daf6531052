import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Client, Notification } from 'pg';
import type { DataSource } from 'typeorm';
import { OUTBOX_PUBLISHER, OutboxService, type OutboxPublisher } from '@courier-nest/outbox';
import { OutboxConnections } from '@courier-nest/outbox/outbox-connections';
import { BrokerProbe, type ReceivedMessages } from '../harness/broker';
import { countRows, dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createOutboxApp } from '../harness/outbox-app';
import { waitFor } from '../harness/wait-for';

/** Holds the next publishBatch until released; the batch is then published for real. */
function gatePublisher(app: INestApplicationContext) {
  const publisher = app.get<OutboxPublisher>(OUTBOX_PUBLISHER);
  const real = publisher.publishBatch.bind(publisher);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inFlight = new Promise<void>((resolve) => (entered = resolve));
  const gate = { inFlight, release, batchesHeld: 0 };
  publisher.publishBatch = async (messages) => {
    gate.batchesHeld++;
    entered();
    await released;
    return real(messages);
  };
  return gate;
}

describe('Outbox lifecycle: NOTIFY per transaction and graceful shutdown', () => {
  const schema = uniqueName('outbox_lifecycle');
  const destination = uniqueName('lifecycle_events');
  let db: Client;
  let broker: BrokerProbe;
  let received: ReceivedMessages;

  beforeAll(async () => {
    db = await openDatabase();
    broker = await BrokerProbe.open();
    received = await broker.bindQueue(destination);
  });

  afterEach(async () => {
    await db.query(`DELETE FROM "${schema}".outbox_messages`).catch(() => undefined);
    received.messages.splice(0);
  });

  afterAll(async () => {
    await broker.deleteExchange(destination);
    await broker.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('sends one NOTIFY per transaction, however many publishes it holds, and none on rollback', async () => {
    const app = await createOutboxApp({ outbox: { schema, relay: { enabled: false } } });
    const outbox = app.get(OutboxService);
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const notifications: Notification[] = [];
    db.on('notification', (n) => notifications.push(n));
    await db.query(`LISTEN "${schema}_outbox"`);

    await dataSource.transaction(async (m) => {
      for (let i = 0; i < 3; i++)
        await outbox.publish(
          m,
          { destination, type: 'a', payload: i },
          { destination, type: 'b', payload: i },
        );
    });
    await dataSource.transaction((m) => outbox.publish(m, { destination, type: 'c', payload: null }));
    await dataSource
      .transaction(async (m) => {
        await outbox.publish(m, { destination, type: 'rolled_back', payload: null });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    // A round trip on the listening connection delivers anything already sent to it.
    await db.query('SELECT 1');

    expect(notifications.map((n) => n.channel)).toEqual([`${schema}_outbox`, `${schema}_outbox`]);
    await db.query(`UNLISTEN "${schema}_outbox"`);
    await app.close();
  });

  it("opens the relay's own pool with two connections per claimer plus three", async () => {
    const app = await createOutboxApp({ outbox: { schema, relay: { enabled: false, concurrency: 3 } } });
    const { pool } = app.get(OutboxConnections);
    expect((pool as unknown as { options: { max: number } }).options.max).toBe(9);
    await app.close();
  });

  it('on shutdown stops claiming and finishes the batches in flight', async () => {
    const app = await createOutboxApp({
      outbox: { schema, relay: { batchSize: 10, concurrency: 1, pollIntervalMs: 50 } },
    });
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const outbox = app.get(OutboxService);
    const gate = gatePublisher(app);
    await dataSource.transaction((m) =>
      outbox.publish(
        m,
        ...Array.from({ length: 25 }, (_, i) => ({ destination, type: 'drain', payload: i })),
      ),
    );
    // After a full batch the claimer claims its next while the first is published: two
    // batches in flight, and no third claimed until one of them is done.
    await waitFor(() => gate.batchesHeld === 2, 'two batches in flight');

    const closing = app.close();
    gate.release();
    await closing;

    // Both batches of 10 were finished; nothing more was claimed; nothing is left leased.
    await waitFor(() => received.messages.length === 20, 'the batches in flight');
    expect(gate.batchesHeld).toBe(2);
    expect(await countRows(db, schema)).toBe(5);
    expect(await countRows(db, schema, 'lease_owner IS NOT NULL AND available_at > now()')).toBe(0);
  });

  it('releases the leases of a batch that does not finish within shutdownTimeoutMs', async () => {
    const app = await createOutboxApp({
      outbox: { schema, relay: { batchSize: 10, concurrency: 1, shutdownTimeoutMs: 200, leaseMs: 60_000 } },
    });
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const gate = gatePublisher(app);
    await dataSource.transaction((m) =>
      app
        .get(OutboxService)
        .publish(m, ...Array.from({ length: 5 }, (_, i) => ({ destination, type: 'stuck', payload: i }))),
    );
    await gate.inFlight;
    expect(await countRows(db, schema, "available_at > now() + interval '30 seconds'")).toBe(5);

    await app.close(); // the gate is never opened: the batch hangs past the timeout
    expect(await countRows(db, schema)).toBe(5);
    expect(await countRows(db, schema, 'lease_owner IS NULL AND available_at <= now()')).toBe(5);
    gate.release();
  });
});
