import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  InvalidMessageError,
  OutboxHealthIndicator,
  OutboxService,
  type OutgoingMessage,
} from '@courier-nest/outbox';
import { BrokerProbe } from '../harness/broker';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createOutboxApp } from '../harness/outbox-app';
import { waitFor } from '../harness/wait-for';

/** The relay's poll interval here: the documented bound on how late a scheduled message may be. */
const POLL_MS = 1_000;
/** What a publish, a delivery and a busy test machine may add to that bound. */
const MARGIN_MS = 500;

interface Arrival {
  id: string;
  type: string;
  /** When the probe received it (this process's clock, which is the database's: same host). */
  at: number;
}

/** A queue bound to `exchange` that records when each message arrived. */
async function arrivalsOf(broker: BrokerProbe, exchange: string): Promise<Arrival[]> {
  await broker.channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await broker.channel.assertQueue('', { exclusive: true, autoDelete: true });
  await broker.channel.bindQueue(queue, exchange, '#');
  const arrivals: Arrival[] = [];
  await broker.channel.consume(
    queue,
    (m) =>
      m && arrivals.push({ id: String(m.properties.messageId), type: m.properties.type, at: Date.now() }),
    { noAck: true },
  );
  return arrivals;
}

/**
 * Scheduled delivery (`deliverAt`, `delayMs`) end to end: a message is published no earlier
 * than its time and within one poll interval after it, also when the relay was stopped
 * before it was due and started again; it raises no backlog figure before it is due.
 */
describe('Outbox scheduled delivery', () => {
  const schema = uniqueName('outbox_scheduled');
  const destination = uniqueName('scheduled_events');
  const apps: INestApplicationContext[] = [];
  let db: Client;
  let broker: BrokerProbe;
  let arrivals: Arrival[];

  const start = async (relay: boolean, pollIntervalMs = POLL_MS) => {
    const app = await createOutboxApp({ outbox: { schema, relay: { enabled: relay, pollIntervalMs } } });
    apps.push(app);
    return app;
  };
  const close = async (app: INestApplicationContext) => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };
  /** Publishes in a transaction of `app`; returns the ids and when the call began (before the INSERT). */
  const publish = async (app: INestApplicationContext, ...messages: Array<Partial<OutgoingMessage>>) => {
    const before = Date.now();
    const ids = await app
      .get<DataSource>(getDataSourceToken())
      .transaction((manager) =>
        app
          .get(OutboxService)
          .publish(manager, ...messages.map((m) => ({ destination, type: 'reminder', payload: {}, ...m }))),
      );
    return { ids, before, committed: Date.now() };
  };
  const arrival = (id: string) => waitFor(() => arrivals.find((a) => a.id === id), `message ${id} to arrive`);
  const rows = async (table: string, id: string) =>
    (await db.query(`SELECT count(*)::int AS n FROM "${schema}".${table} WHERE id = $1`, [id])).rows[0].n;

  beforeAll(async () => {
    db = await openDatabase();
    broker = await BrokerProbe.open();
    arrivals = await arrivalsOf(broker, destination);
  });

  afterAll(async () => {
    for (const app of apps) await close(app);
    await broker.deleteExchange(destination);
    await broker.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('publishes a message with deliverAt no earlier than that time, and within one poll interval after it', async () => {
    const app = await start(true);
    const deliverAt = new Date(Date.now() + 1_500);
    const { ids } = await publish(app, { deliverAt });

    // It waits outside the outbox, where no claim looks.
    const record = await app.get(OutboxService).findMessage(ids[0]);
    expect(record).toMatchObject({ state: 'scheduled', availableAt: deliverAt, attempts: 0 });
    expect(await rows('outbox_messages', ids[0])).toBe(0);

    const { at } = await arrival(ids[0]);
    expect(at).toBeGreaterThanOrEqual(deliverAt.getTime());
    expect(at).toBeLessThanOrEqual(deliverAt.getTime() + POLL_MS + MARGIN_MS);
    await waitFor(async () => (await app.get(OutboxService).findMessage(ids[0])) === null, 'the row to go');
    await close(app);
  });

  it('publishes a message with delayMs no earlier than that long after its write, within one poll interval', async () => {
    const app = await start(true);
    const { ids, before, committed } = await publish(app, { delayMs: 1_200 }, { type: 'now' });

    // The message without a delay in the same call goes at once.
    const now = await arrival(ids[1]);
    expect(now.at).toBeLessThan(before + 1_200);
    const { at } = await arrival(ids[0]);
    expect(at).toBeGreaterThanOrEqual(before + 1_200);
    expect(at).toBeLessThanOrEqual(committed + 1_200 + POLL_MS + MARGIN_MS);
    await close(app);
  });

  it('publishes on time across a restart of the relay: stopped before the message is due, started again', async () => {
    const first = await start(true);
    const deliverAt = new Date(Date.now() + 3_000);
    const { ids } = await publish(first, { deliverAt });
    await close(first);

    // No relay runs now; the next one knows the message only from the database.
    const second = await start(true);
    expect(Date.now()).toBeLessThan(deliverAt.getTime());
    const { at } = await arrival(ids[0]);
    expect(at).toBeGreaterThanOrEqual(deliverAt.getTime());
    expect(at).toBeLessThanOrEqual(deliverAt.getTime() + POLL_MS + MARGIN_MS);
    await close(second);
  });

  it('publishes at once, on start, what came due while no relay ran; until then it counts as pending from its due time', async () => {
    const writer = await start(false);
    const deliverAt = new Date(Date.now() + 300);
    const { ids } = await publish(writer, { deliverAt });
    const outbox = writer.get(OutboxService);
    await waitFor(async () => (await outbox.stats()).pending === 1, 'the message to come due');
    const asked = Date.now();
    const stats = await outbox.stats();
    const answered = Date.now();
    expect(stats).toMatchObject({ pending: 1, scheduled: 0 });
    expect(stats.oldestPendingAgeMs).toBeGreaterThanOrEqual(asked - deliverAt.getTime() - 1);
    expect(stats.oldestPendingAgeMs).toBeLessThanOrEqual(answered - deliverAt.getTime() + 1);
    expect(arrivals.find((a) => a.id === ids[0])).toBeUndefined();

    const startedAt = Date.now();
    const relay = await start(true);
    const { at } = await arrival(ids[0]);
    expect(at).toBeGreaterThanOrEqual(startedAt);
    expect(at - startedAt).toBeLessThanOrEqual(POLL_MS + MARGIN_MS);
    await close(relay);
    await close(writer);
  });

  it('publishes the message of a transaction that commits after it was due at the commit, not at the next poll', async () => {
    // A poll interval longer than the wait below: only the commit can set the move off.
    const app = await start(true, 60_000);
    const dataSource = app.get<DataSource>(getDataSourceToken());
    let id = '';
    const before = Date.now();
    await dataSource.transaction(async (manager) => {
      [id] = await app
        .get(OutboxService)
        .publish(manager, { destination, type: 'late', payload: {}, delayMs: 50 });
      // Still open when the message comes due: no relay can see it before the commit.
      await manager.query('SELECT pg_sleep(0.4)');
    });
    const { at } = await waitFor(() => arrivals.find((a) => a.id === id), 'the message after the commit', {
      timeoutMs: 10_000,
    });
    expect(at).toBeGreaterThanOrEqual(before + 400);
    await close(app);
  });

  it('counts a message for tomorrow as scheduled, not as backlog: no pending, no age, health up', async () => {
    const writer = await start(false);
    const outbox = writer.get(OutboxService);
    const { ids } = await publish(writer, { delayMs: 24 * 3_600_000, type: 'tomorrow' });

    const stats = await outbox.stats();
    expect(stats).toEqual({ pending: 0, dead: 0, retrying: 0, oldestPendingAgeMs: 0, scheduled: 1 });
    expect(await outbox.destinationStats()).toEqual([
      { destination, pending: 0, oldestPendingAgeMs: 0, dead: 0, scheduled: 1 },
    ]);
    const health = await writer
      .get(OutboxHealthIndicator)
      .isHealthy('outbox', { maxOldestPendingAgeMs: 1_000 });
    expect(health.outbox).toMatchObject({ status: 'up', backlog: 0, oldestPendingAgeMs: 0, scheduled: 1 });
    const record = await outbox.findMessage(ids[0]);
    expect(record?.state).toBe('scheduled');
    expect(record!.availableAt!.getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);
    await close(writer);
  });

  it.each<[string, Partial<OutgoingMessage>, string, RegExp]>([
    ['both deliverAt and delayMs', { deliverAt: new Date(), delayMs: 10 }, 'deliverAt', /not both/],
    ['an invalid deliverAt', { deliverAt: new Date('tomorrow') }, 'deliverAt', /must be a valid Date/],
    [
      'a deliverAt more than 366 days ahead',
      { deliverAt: new Date(Date.now() + 400 * 86_400_000) },
      'deliverAt',
      /at most 366 days/,
    ],
    ['a negative delayMs', { delayMs: -5 }, 'delayMs', /whole number of milliseconds/],
    ['a fractional delayMs', { delayMs: 1.5 }, 'delayMs', /whole number of milliseconds/],
  ])(
    'refuses %s with InvalidMessageError naming the field, writing nothing',
    async (_label, message, field, text) => {
      const writer = await start(false);
      const before = await db.query(
        `SELECT (SELECT count(*) FROM "${schema}".outbox_messages) + (SELECT count(*) FROM "${schema}".outbox_scheduled_messages) AS n`,
      );
      const error = await publish(writer, { type: 'fine' }, message).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidMessageError);
      expect(error).toMatchObject({ field, message: expect.stringMatching(text) });
      const after = await db.query(
        `SELECT (SELECT count(*) FROM "${schema}".outbox_messages) + (SELECT count(*) FROM "${schema}".outbox_scheduled_messages) AS n`,
      );
      expect(after.rows).toEqual(before.rows);
      await close(writer);
    },
  );
});
