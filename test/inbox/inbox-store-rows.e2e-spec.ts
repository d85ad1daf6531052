import { randomUUID } from 'node:crypto';
import { Pool, type Client } from 'pg';
import { inboxSchemaSql } from '@courier-nest/inbox';
import { InboxSql } from '@courier-nest/inbox/inbox.sql';
import { InboxStore, type StoredIncoming } from '@courier-nest/inbox/inbox.store';
import { dropSchema, openDatabase } from '../harness/database';
import { DATABASE_URL, uniqueName } from '../harness/env';

/** What the receive statement writes, column by column, for values at the edges. */
describe('Inbox receive: the stored message row', () => {
  const schema = uniqueName('inbox_store_rows');
  let db: Client;
  let pool: Pool;
  let store: InboxStore;

  beforeAll(async () => {
    db = await openDatabase();
    for (const statement of inboxSchemaSql(schema)) await db.query(statement);
    pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
    store = new InboxStore(pool, new InboxSql(schema));
  });

  afterAll(async () => {
    await pool.end();
    await dropSchema(db, schema);
    await db.end();
  });

  const message = (occurredAt: Date | null): StoredIncoming => ({
    id: randomUUID(),
    eventType: 'row_events',
    type: 'row_event',
    payload: '{"orderId":"ord-1"}',
    headers: { 'x-courier-key': 'ord-1' },
    occurredAt,
    handlers: [],
  });

  it('stores each field as given: id, event type, type or null, payload text, headers', async () => {
    const typed = {
      ...message(null),
      payload: ' {"a" : "é\\u0000"} ',
      headers: { 'x-b': 'ü "quoted"', 'x-a': '' },
    };
    const untyped = { ...message(null), type: null };
    await store.receive(null, [typed, untyped], 'inbox_store_rows');
    const { rows } = await db.query(
      `SELECT id, event_type, message_type, payload, headers FROM "${schema}".inbox_messages WHERE id = ANY($1)`,
      [[typed.id, untyped.id]],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(typed.id)).toEqual({
      id: typed.id,
      event_type: 'row_events',
      message_type: 'row_event',
      payload: typed.payload,
      headers: typed.headers,
    });
    expect(byId.get(untyped.id)).toMatchObject({ message_type: null, headers: { 'x-courier-key': 'ord-1' } });
  });

  it('keeps occurredAt to the millisecond from year 1 to 9999, before 1970 too, and null as null', async () => {
    const dates = [
      '0001-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00.001Z',
      '2026-11-22T19:45:12.345Z',
      '9999-12-31T23:59:59.999Z',
    ].map((text) => new Date(text));
    const messages = [...dates.map(message), message(null)];
    await store.receive(null, messages, 'inbox_store_rows');
    const { rows } = await db.query(
      `SELECT id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS occurred
       FROM "${schema}".inbox_messages`,
    );
    const stored = new Map(rows.map((r) => [r.id, r.occurred]));
    expect(messages.map((m) => stored.get(m.id))).toEqual([
      '0001-01-01T00:00:00.000000',
      '1969-12-31T23:59:59.999000',
      '1970-01-01T00:00:00.001000',
      '2026-11-22T19:45:12.345000',
      '9999-12-31T23:59:59.999000',
      null,
    ]);
  });

  it('renews claimed runs, skips runs another statement has locked, and names the claims still held', async () => {
    const withHandlers = {
      ...message(null),
      eventType: 'lease_events',
      handlers: [
        { key: 'a', maxAttempts: 3 },
        { key: 'b', maxAttempts: 3 },
      ],
    };
    await store.receive(null, [withHandlers], 'inbox_store_rows');
    const claimed = await store.claim(10, 'worker-a', 60_000, {
      pairs: ['lease_events a', 'lease_events b'],
    });
    expect(claimed).toHaveLength(2);
    const [locked, free] = claimed;
    const leaseOf = async (key: string) =>
      (
        await db.query(
          `SELECT available_at FROM "${schema}".inbox_handler_states WHERE message_id = $1 AND handler_key = $2`,
          [withHandlers.id, key],
        )
      ).rows[0].available_at as Date;
    const before = { locked: await leaseOf(locked.handlerKey), free: await leaseOf(free.handlerKey) };
    const other = new Pool({ connectionString: DATABASE_URL, max: 1 });
    const holder = await other.connect();
    try {
      // This process's own settle holds one run: the renewal must not wait for it (nor deadlock with it).
      await holder.query('BEGIN');
      await holder.query(
        `SELECT 1 FROM "${schema}".inbox_handler_states WHERE message_id = $1 AND handler_key = $2 FOR UPDATE`,
        [withHandlers.id, locked.handlerKey],
      );
      await db.query('SELECT pg_sleep(0.01)');
      expect([...(await store.renewClaims(claimed, 120_000))]).toEqual([locked.leaseToken]);
      expect((await leaseOf(free.handlerKey)).getTime()).toBeGreaterThan(before.free.getTime() + 30_000);
      expect(await leaseOf(locked.handlerKey)).toEqual(before.locked);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await other.end();
    }
    // Settled (or taken): no run carries the token any more.
    await store.settle(
      claimed.map((work) => ({ ...work, outcome: 'done' as const, error: null, delayMs: 0 })),
      locked.leaseToken,
    );
    expect([...(await store.renewClaims(claimed, 60_000))]).toEqual([]);
  });
});
