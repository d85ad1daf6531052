import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  InvalidCursorError,
  InvalidFilterError,
  OutboxService,
  type DeadOutboxEntry,
  type DeadOutboxQuery,
} from '@courier-nest/outbox';
import { BrokerProbe } from '../harness/broker';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createOutboxApp } from '../harness/outbox-app';
import { waitFor } from '../harness/wait-for';

const DESTINATIONS = ['orders', 'billing', 'mail'];
// Texts that tell an escaped pattern from a raw one: '100%' must not match '1000', 'x_y' not 'xzy'.
const ERRORS = [
  'returned: unroutable: 312 NO_ROUTE',
  'timeout: 100% of the confirm window',
  'timeout: 1000 ms confirm window',
  'nacked: queue x_y full',
  'nacked: queue xzy full',
];
const SEEDED = 250;

interface DeadRow {
  id: string;
  destination: string;
  type: string;
  last_error: string;
  dead_at: Date;
}

/** Every page of a query, in order. */
async function allPages(outbox: OutboxService, query: DeadOutboxQuery): Promise<DeadOutboxEntry[][]> {
  const pages: DeadOutboxEntry[][] = [];
  let cursor: string | undefined;
  do {
    const page = await outbox.pageDead({ ...query, cursor });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

describe('Outbox dead messages for operators: pages, filters, purge, figures, lookup', () => {
  const schema = uniqueName('outbox_dead_pages');
  let app: INestApplicationContext;
  let db: Client;
  let outbox: OutboxService;
  const table = () => `"${schema}".outbox_messages`;

  /** The dead rows, oldest first: what every list is checked against, filtered in JavaScript. */
  const deadRows = async (): Promise<DeadRow[]> =>
    (
      await db.query(
        `SELECT id, destination, type, last_error, dead_at FROM ${table()} WHERE dead_at IS NOT NULL ORDER BY seq`,
      )
    ).rows;

  /** `count` dead rows of `destination`, written as the relay leaves them. */
  const seedDead = (count: number, destination: string | null, start = 0) =>
    db.query(
      `INSERT INTO ${table()} (id, destination, type, key, payload, headers, correlation_id, source, occurred_at,
         attempts, last_error, dead_at, available_at)
       SELECT gen_random_uuid(), coalesce($2, ($3::text[])[g % 3 + 1]), (ARRAY['order_created', 'order_paid'])[g % 2 + 1],
         CASE WHEN g % 4 = 0 THEN NULL ELSE 'k-' || g END, '{"n":' || g || '}', '{"x-tenant":"t1"}', 'c-' || g, 'orders',
         timestamptz '2026-02-01T00:00:00Z' + g * interval '1 second', 5, ($4::text[])[g % 5 + 1],
         timestamptz '2026-03-01T00:00:00Z' + g * interval '1 minute', 'infinity'
       FROM generate_series($5::int + 1, $5::int + $1::int) g`,
      [count, destination, DESTINATIONS, ERRORS, start],
    );

  beforeAll(async () => {
    db = await openDatabase();
    // No relay: the rows stay exactly as each test writes them.
    app = await createOutboxApp({ outbox: { schema, relay: { enabled: false } } });
    outbox = app.get(OutboxService);
    await seedDead(SEEDED, null);
  });

  afterAll(async () => {
    await app?.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it.each([7, 50, 1000])('pages (limit %d) list every dead row once, oldest first', async (limit) => {
    const pages = await allPages(outbox, { limit });
    expect(pages.length).toBe(Math.max(1, Math.ceil(SEEDED / limit)));
    expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
    expect(pages.flat().map((e) => e.id)).toEqual((await deadRows()).map((r) => r.id));
  });

  it('gives each message as stored, and no page after the last', async () => {
    const { items, nextCursor } = await outbox.pageDead({ limit: SEEDED });
    expect(nextCursor).toBeNull();
    expect(items[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      destination: 'billing',
      type: 'order_paid',
      key: 'k-1',
      payload: '{"n":1}',
      headers: { 'x-tenant': 't1' },
      correlationId: 'c-1',
      causationId: null,
      traceparent: null,
      tracestate: null,
      source: 'orders',
      attempts: 5,
      lastError: ERRORS[1],
      occurredAt: new Date('2026-02-01T00:00:01Z'),
      createdAt: expect.any(Date),
      deadAt: new Date('2026-03-01T00:01:00Z'),
    });
    expect(await outbox.pageDead({ limit: 1000, destination: 'nowhere' })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it.each<[string, DeadOutboxQuery, (row: DeadRow) => boolean]>([
    ['destination', { destination: 'billing' }, (r) => r.destination === 'billing'],
    ['type', { type: 'order_created' }, (r) => r.type === 'order_created'],
    ['error text, any case', { errorContains: 'no_ROUTE' }, (r) => r.last_error.includes('NO_ROUTE')],
    ['error text with a %', { errorContains: '100%' }, (r) => r.last_error.includes('100%')],
    ['error text with a _', { errorContains: 'x_y' }, (r) => r.last_error.includes('x_y')],
    [
      'dead from / to',
      { deadFrom: new Date('2026-03-01T01:00:00Z'), deadTo: new Date('2026-03-01T02:00:00Z') },
      (r) => r.dead_at >= new Date('2026-03-01T01:00:00Z') && r.dead_at < new Date('2026-03-01T02:00:00Z'),
    ],
    [
      'all of them together',
      {
        destination: 'orders',
        type: 'order_paid',
        errorContains: 'TIMEOUT',
        deadFrom: new Date('2026-03-01T00:30:00Z'),
      },
      (r) =>
        r.destination === 'orders' &&
        r.type === 'order_paid' &&
        r.last_error.startsWith('timeout') &&
        r.dead_at >= new Date('2026-03-01T00:30:00Z'),
    ],
  ])('filters by %s, across page boundaries', async (_case, filter, matches) => {
    const expected = (await deadRows()).filter(matches).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(3);
    expect(expected.length).toBeLessThan(SEEDED);
    const pages = await allPages(outbox, { ...filter, limit: 3 });
    expect(pages.flat().map((e) => e.id)).toEqual(expected);
  });

  it('refuses a cursor it did not give out, and a filter field it does not know', async () => {
    const { nextCursor } = await outbox.pageDead({ limit: 5 });
    const tampered = `${nextCursor!.slice(0, -2)}AA`;
    const inboxCursor = Buffer.from(JSON.stringify(['inbox-dead', '1', 'm', 'h'])).toString('base64url');
    for (const cursor of ['not-a-cursor', tampered, inboxCursor, "1' OR 1=1 --"]) {
      await expect(outbox.pageDead({ cursor })).rejects.toThrow(InvalidCursorError);
    }
    await expect(outbox.pageDead({ cursor: 'x' })).rejects.toThrow(/Start again from the first page/);
    await expect(outbox.purgeDeadMatching({ error: 'NO_ROUTE' } as never)).rejects.toThrow(
      InvalidFilterError,
    );
    await expect(outbox.pageDead({ limit: 1001 })).rejects.toThrow(InvalidFilterError);
  });

  it('finds a message in each state, and null for one not there', async () => {
    const [dead] = await deadRows();
    const live = await db.query(
      `INSERT INTO ${table()} (id, destination, type, payload, correlation_id, source, occurred_at,
         attempts, last_error, lease_owner, lease_token, available_at)
       VALUES (gen_random_uuid(), 'orders', 'pending', '{}', 'c', 'orders', now(), 0, NULL, NULL, NULL, now()),
              (gen_random_uuid(), 'orders', 'leased', '{}', 'c', 'orders', now(), 0, NULL, 'relay-1', 7, now() + interval '1 hour'),
              (gen_random_uuid(), 'orders', 'retrying', '{}', 'c', 'orders', now(), 2, 'timeout: x', NULL, NULL, now() + interval '1 hour'),
              (gen_random_uuid(), 'orders', 'lease_expired', '{}', 'c', 'orders', now(), 0, NULL, 'relay-1', 8, now() - interval '1 second')
       RETURNING id, type, available_at`,
    );
    const byType = Object.fromEntries(live.rows.map((r) => [r.type, r]));
    expect(await outbox.findMessage(byType.pending.id)).toMatchObject({
      state: 'pending',
      availableAt: byType.pending.available_at,
      deadAt: null,
    });
    expect(await outbox.findMessage(byType.leased.id)).toMatchObject({ state: 'leased', attempts: 0 });
    expect(await outbox.findMessage(byType.retrying.id)).toMatchObject({
      state: 'retrying',
      attempts: 2,
      lastError: 'timeout: x',
    });
    expect(await outbox.findMessage(byType.lease_expired.id)).toMatchObject({ state: 'pending' });
    expect(await outbox.findMessage(dead.id)).toMatchObject({
      id: dead.id,
      state: 'dead',
      availableAt: null,
      deadAt: dead.dead_at,
      payload: expect.stringMatching(/^\{"n":\d+\}$/),
    });
    expect(await outbox.findMessage('0b9d6a3e-3f1f-4c39-9d5e-0c1b2a3d4e5f')).toBeNull();
    expect(await outbox.findMessage('not-a-uuid')).toBeNull();
  });

  it('gives pending, oldest pending age and dead per destination', async () => {
    const stats = await outbox.destinationStats();
    const { rows } = await db.query(
      `SELECT destination, count(*) FILTER (WHERE dead_at IS NULL)::int AS pending,
              count(*) FILTER (WHERE dead_at IS NOT NULL)::int AS dead
       FROM ${table()} GROUP BY destination ORDER BY destination`,
    );
    expect(stats.map(({ destination, pending, dead }) => ({ destination, pending, dead }))).toEqual(rows);
    expect(stats.map((s) => s.destination)).toEqual(['billing', 'mail', 'orders']);
    const orders = stats.find((s) => s.destination === 'orders')!;
    expect(orders.pending).toBeGreaterThan(0);
    expect(orders.oldestPendingAgeMs).toBeGreaterThan(0);
    expect(stats.find((s) => s.destination === 'mail')!.oldestPendingAgeMs).toBe(0);
  });

  it('purges only dead messages by id, returning those it deleted', async () => {
    const [first, second] = await deadRows();
    const { rows: live } = await db.query(`SELECT id FROM ${table()} WHERE dead_at IS NULL LIMIT 1`);
    const purged = await outbox.purgeDead([first.id, live[0].id, 'not-a-uuid', second.id, first.id]);
    expect(purged.sort()).toEqual([first.id, second.id].sort());
    expect(await outbox.findMessage(first.id)).toBeNull();
    expect(await outbox.findMessage(live[0].id)).not.toBeNull();
    expect(await outbox.purgeDead([])).toEqual([]);
  });

  it('requeues and purges everything matching, over several statements, touching nothing else', async () => {
    await seedDead(2_500, 'bulk_requeue', 1_000);
    await seedDead(2_100, 'bulk_purge', 10_000);
    // Rows whose death is after the action starts (as if they died again meanwhile): left alone.
    await seedDead(3, 'bulk_requeue', 20_000);
    await db.query(
      `UPDATE ${table()} SET dead_at = now() + interval '1 hour' WHERE correlation_id = ANY($1)`,
      [['c-20001', 'c-20002', 'c-20003']],
    );
    const before = await deadRows();
    const later = new Set(
      (await db.query(`SELECT id FROM ${table()} WHERE dead_at > now()`)).rows.map((r) => r.id),
    );
    expect(later.size).toBe(3);
    const others = before
      .filter((r) => !r.destination.startsWith('bulk_') || later.has(r.id))
      .map((r) => r.id);

    expect(await outbox.requeueDeadMatching({ destination: 'bulk_requeue' })).toBe(2_500);
    const { rows } = await db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE attempts = 0 AND last_error IS NULL AND available_at <= now())::int AS fresh
       FROM ${table()} WHERE destination = 'bulk_requeue' AND dead_at IS NULL`,
    );
    expect(rows[0]).toEqual({ n: 2_500, fresh: 2_500 });
    const { rows: stillDead } = await db.query(
      `SELECT id FROM ${table()} WHERE destination = 'bulk_requeue' AND dead_at IS NOT NULL`,
    );
    expect(new Set(stillDead.map((r) => r.id))).toEqual(later);

    expect(await outbox.purgeDeadMatching({ destination: 'bulk_purge', errorContains: '100%' })).toBe(420);
    expect(await outbox.purgeDeadMatching({ destination: 'bulk_purge' })).toBe(2_100 - 420);
    expect((await deadRows()).map((r) => r.id)).toEqual(others);
    expect(await outbox.requeueDeadMatching({ destination: 'bulk_purge' })).toBe(0);
  });
});

describe('Outbox dead messages requeued by the operator are published again', () => {
  const schema = uniqueName('outbox_dead_requeue');
  const unrouted = uniqueName('dead_pages_unrouted');
  let app: INestApplicationContext;
  let db: Client;
  let broker: BrokerProbe;
  let outbox: OutboxService;

  beforeAll(async () => {
    db = await openDatabase();
    broker = await BrokerProbe.open();
    app = await createOutboxApp({
      outbox: {
        schema,
        relay: {
          pollIntervalMs: 50,
          maxAttempts: 2,
          backoff: { initialDelayMs: 20, maxDelayMs: 40, jitter: 0 },
        },
      },
    });
    outbox = app.get(OutboxService);
  });

  afterAll(async () => {
    await app?.close();
    await broker.deleteExchange(unrouted);
    await broker.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('lists unroutable messages once dead, then publishes those requeued by id and by filter', async () => {
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const ids = await dataSource.transaction((m) =>
      outbox.publish(
        m,
        ...[1, 2, 3, 4].map((n) => ({
          destination: unrouted,
          type: 'nobody_listens',
          payload: { n },
          headers: { 'x-tenant': 't1' },
        })),
      ),
    );
    const page = await waitFor(async () => {
      const found = await outbox.pageDead({ destination: unrouted });
      return found.items.length === 4 ? found : undefined;
    }, 'the four messages to be dead after 2 attempts');
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((e) => e.id)).toEqual(ids);
    expect(page.items[0]).toMatchObject({
      payload: '{"n":1}',
      headers: { 'x-tenant': 't1' },
      attempts: 2,
      lastError: expect.stringMatching(/returned: unroutable: 312 NO_ROUTE/),
      deadAt: expect.any(Date),
    });
    expect(await outbox.findMessage(ids[0])).toMatchObject({ state: 'dead', attempts: 2 });

    // The operator binds a queue, requeues one by id, then the rest by filter: each is published once.
    const received = await broker.bindQueue(unrouted);
    expect(await outbox.requeueDead([ids[0]])).toEqual([ids[0]]);
    await waitFor(() => received.messages.length === 1, 'the message requeued by id');
    expect(await outbox.requeueDeadMatching({ destination: unrouted, errorContains: 'no_route' })).toBe(3);
    await waitFor(() => received.messages.length === 4, 'the messages requeued by filter');
    expect(received.ids().sort()).toEqual([...ids].sort());
    await waitFor(async () => (await outbox.findMessage(ids[3])) === null, 'the last row to be deleted');
    expect(await outbox.pageDead({ destination: unrouted })).toEqual({ items: [], nextCursor: null });
  });
});
