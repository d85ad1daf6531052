import { randomUUID } from 'node:crypto';
import { Pool, type Client } from 'pg';
import { outboxSchemaSql } from '@courier-nest/outbox';
import { OutboxSql } from '@courier-nest/outbox/outbox.sql';
import {
  deleteConfirmedParameters,
  OutboxStore,
  type OutboxRowInput,
} from '@courier-nest/outbox/outbox.store';
import { dropSchema, openDatabase } from '../harness/database';
import { DATABASE_URL, uniqueName } from '../harness/env';
import { planNodes, scanNodes } from '../harness/query-plans';

const LEASE_MS = 60_000;

const row = (): OutboxRowInput => ({
  id: randomUUID(),
  destination: 'orders',
  type: 'order_created',
  key: null,
  body: '{}',
  correlationId: randomUUID(),
  causationId: null,
  traceparent: null,
  tracestate: null,
  headers: {},
  occurredAt: new Date(),
  source: 'outbox-store-rows',
});

/**
 * How the relay's statements find rows (OutboxSql): claims and deletes by the row id a
 * claim returned, dead rows parked where no claim looks. Against PostgreSQL, no broker.
 */
describe('Outbox rows: found by row id, dead rows never due', () => {
  const schema = uniqueName('outbox_store_rows');
  let db: Client;
  let pool: Pool;
  let store: OutboxStore;

  const applySchema = async () => {
    for (const statement of outboxSchemaSql(schema)) await db.query(statement);
  };
  const count = async () =>
    (await db.query(`SELECT count(*)::int AS n FROM "${schema}".outbox_messages`)).rows[0].n as number;

  beforeAll(async () => {
    db = await openDatabase();
    await applySchema();
    pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
    store = new OutboxStore(pool, new OutboxSql(schema));
  });

  afterAll(async () => {
    await pool.end();
    await dropSchema(db, schema);
    await db.end();
  });

  beforeEach(async () => {
    await db.query(`DELETE FROM "${schema}".outbox_messages`);
  });

  it('a claim of runs of rows written together updates each in place (HOT), adding no index entry', async () => {
    await store.insert(null, Array.from({ length: 2_000 }, row), null);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rowCount } = await client.query(store.sql.claimUnordered, [1_000, 'relay-a', LEASE_MS]);
      const { rows } = await client.query(
        `SELECT pg_stat_get_xact_tuples_updated($1::regclass)::int AS updated,
                pg_stat_get_xact_tuples_hot_updated($1::regclass)::int AS hot`,
        [`"${schema}".outbox_messages`],
      );
      await client.query('COMMIT');
      expect(rowCount).toBe(1_000);
      expect(rows[0]).toEqual({ updated: 1_000, hot: 1_000 });
    } finally {
      client.release();
    }
  });

  it('deletes confirmed rows where their claim found them, and by seq those a table rewrite moved', async () => {
    await store.insert(null, [row(), row(), row()], null);
    const claimed = await store.claim(10, 'relay-a', LEASE_MS, false);
    expect(claimed).toHaveLength(3);

    // The claim left dead row versions in front: the rewrite compacts them, rows move.
    await db.query(`VACUUM FULL "${schema}".outbox_messages`);
    const { rows: moved } = await db.query(
      `SELECT seq::text, ctid::text AS row_id FROM "${schema}".outbox_messages ORDER BY seq`,
    );
    expect(moved.map((r) => r.row_id)).not.toEqual(claimed.map((r) => r.rowId));

    expect(await store.deleteConfirmed(claimed)).toHaveLength(3);
    expect(await count()).toBe(0);
  });

  it('deletes nothing for a claim that is no longer current, by row id or by seq', async () => {
    await store.insert(null, [row()], null);
    const [stale] = await store.claim(10, 'relay-a', LEASE_MS, false);
    // Another relay's claim after the lease: a new token on the row.
    await db.query(`UPDATE "${schema}".outbox_messages SET available_at = now() - interval '1 ms'`);
    const [current] = await store.claim(10, 'relay-b', LEASE_MS, false);
    expect(current.leaseToken).not.toBe(stale.leaseToken);

    expect(await store.deleteConfirmed([stale])).toEqual([]);
    expect(await count()).toBe(1);
  });

  it('deletes a claimed batch reading only its blocks, not the whole backlog', async () => {
    // A backlog of a few thousand rows without statistics: PostgreSQL priced fetching
    // 1,000 rows by id above reading the whole table, and scanned it for every delete.
    for (let inserted = 0; inserted < 10_000; inserted += 1_000) {
      await store.insert(null, Array.from({ length: 1_000 }, row), null);
    }
    const claimed = await store.claim(1_000, 'relay-a', LEASE_MS, false);
    const plan = await db.query(
      `EXPLAIN (FORMAT JSON) ${new OutboxSql(schema).deleteConfirmed}`,
      deleteConfirmedParameters(claimed),
    );
    expect(planNodes(plan.rows[0]['QUERY PLAN'], 'outbox_messages')).toEqual(['Tid Range Scan']);
    expect(await store.deleteConfirmed(claimed)).toHaveLength(1_000);
    expect(await count()).toBe(9_000);
  });

  it('claims from an analysed backlog by the row ids it locked, reading no row past the batch', async () => {
    // Joined to its candidates, the claim's UPDATE hashed every row of the table to find
    // the 1,000 it had locked: a scan of the whole backlog for each batch. As the relay
    // runs it: a prepared statement past its fifth use (a generic plan).
    for (let inserted = 0; inserted < 10_000; inserted += 1_000) {
      await store.insert(null, Array.from({ length: 1_000 }, row), null);
    }
    await db.query(`ANALYZE "${schema}".outbox_messages`);
    await db.query('BEGIN');
    try {
      await db.query(`PREPARE claim_plan(int, text, int) AS ${new OutboxSql(schema).claimUnordered}`);
      await db.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      const plan = await db.query(
        `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE claim_plan(1000, 'relay-a', ${LEASE_MS})`,
      );
      const scans = scanNodes(plan.rows[0]['QUERY PLAN'], 'outbox_messages');
      expect(scans.map((scan) => scan.type).sort()).toEqual(['Index Scan', 'Tid Scan']);
      for (const scan of scans) expect(scan.rowsRead).toBe(1_000);
    } finally {
      await db.query('ROLLBACK');
      await db.query('DEALLOCATE ALL');
    }
  });

  it('renews the rows of held claims, skips rows another statement has locked, and names the claims still held', async () => {
    await store.insert(null, [row(), row()], null);
    const [locked, free] = await store.claim(10, 'relay-a', LEASE_MS, false);
    const leaseOf = async (seq: string) =>
      (await db.query(`SELECT available_at FROM "${schema}".outbox_messages WHERE seq = $1`, [seq])).rows[0]
        .available_at as Date;
    const before = { locked: await leaseOf(locked.seq), free: await leaseOf(free.seq) };
    // The relay's own delete holds one row: a renewal must not wait for it (nor deadlock with it).
    const other = new Pool({ connectionString: DATABASE_URL, max: 1 });
    const holder = await other.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "${schema}".outbox_messages WHERE seq = $1 FOR UPDATE`, [locked.seq]);
      await db.query(`SELECT pg_sleep(0.01)`); // now() moves on
      expect([...(await store.renewClaims([locked, free], LEASE_MS * 2))]).toEqual([locked.leaseToken]);
      expect((await leaseOf(free.seq)).getTime()).toBeGreaterThan(before.free.getTime() + LEASE_MS / 2);
      expect(await leaseOf(locked.seq)).toEqual(before.locked);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await other.end();
    }
    // Re-claimed by another relay after the lease: this claim holds nothing any more.
    await db.query(`UPDATE "${schema}".outbox_messages SET available_at = now() - interval '1 ms'`);
    await store.claim(10, 'relay-b', LEASE_MS, false);
    expect([...(await store.renewClaims([locked, free], LEASE_MS))]).toEqual([]);
  });

  it('parks a dead row where no claim looks, and moves there rows that died under the earlier rule', async () => {
    await store.insert(null, [row(), row()], null);
    const [first, second] = await store.claim(10, 'relay-a', LEASE_MS, false);
    const { dead } = await store.markFailed(
      [{ seq: first.seq, error: 'returned: NO_ROUTE', delayMs: 0 }],
      first.leaseToken,
      1,
    );
    expect(dead).toEqual([first.seq]);
    await store.release([second.seq], second.leaseToken, 'test', 0);
    const parked = await db.query(
      `SELECT available_at = 'infinity' AS parked FROM "${schema}".outbox_messages WHERE seq = $1`,
      [first.seq],
    );
    expect(parked.rows[0].parked).toBe(true);
    expect((await store.claim(10, 'relay-a', LEASE_MS, false)).map((r) => r.seq)).toEqual([second.seq]);

    // A row that died before the rule kept a past available_at; the schema step parks it.
    await db.query(
      `UPDATE "${schema}".outbox_messages SET available_at = now() - interval '1 hour' WHERE seq = $1`,
      [first.seq],
    );
    await applySchema();
    expect(await store.claim(10, 'relay-a', LEASE_MS, false)).toEqual([]);
    expect((await store.listDead(null, 10)).map((d) => d.id)).toEqual([first.id]);
  });
});
