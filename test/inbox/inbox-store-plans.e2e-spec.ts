import { randomUUID } from 'node:crypto';
import { Pool, type Client } from 'pg';
import { inboxSchemaSql } from '@courier-nest/inbox';
import { InboxSql } from '@courier-nest/inbox/inbox.sql';
import {
  InboxStore,
  settleParameters,
  type StoredIncoming,
  type WorkOutcome,
} from '@courier-nest/inbox/inbox.store';
import { dropSchema, openDatabase } from '../harness/database';
import { DATABASE_URL, uniqueName } from '../harness/env';
import { planNodes, literalArguments } from '../harness/query-plans';

const BACKLOG = 5_000;
const BATCH = 100;

const message = (): StoredIncoming => ({
  id: randomUUID(),
  eventType: 'plan_events',
  type: 'plan_event',
  payload: '{"orderId":"ord-1"}',
  headers: {},
  occurredAt: null,
  handlers: [{ key: 'plan_handler', maxAttempts: 5 }],
});

/**
 * How the dispatcher's settle finds its rows, whatever the planner believes. A table of
 * a few thousand rows without statistics is where PostgreSQL preferred reading every
 * block to fetching 100 rows by id (it prices each fetch as a random read), in a fresh
 * plan and in a prepared statement's generic plan alike.
 */
describe('Inbox settle: rows found by row id on a table of any size', () => {
  const schema = uniqueName('inbox_store_plans');
  let db: Client;
  let pool: Pool;
  let store: InboxStore;
  let sql: InboxSql;
  let outcomes: WorkOutcome[];
  let leaseToken: string;

  beforeAll(async () => {
    db = await openDatabase();
    for (const statement of inboxSchemaSql(schema)) await db.query(statement);
    pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
    sql = new InboxSql(schema);
    store = new InboxStore(pool, sql);
    for (let stored = 0; stored < BACKLOG; stored += 500) {
      await store.receive(null, Array.from({ length: 500 }, message), 'inbox_store_plans');
    }
    const batch = Array.from({ length: BATCH }, message);
    const received = await store.receive(null, batch, 'inbox_store_plans', {
      of: new Set(batch.keys()),
      owner: 'plans-test',
      leaseMs: 60_000,
    });
    leaseToken = received.leaseToken!;
    outcomes = batch.map((m) => ({
      messageId: m.id,
      handlerKey: 'plan_handler',
      rowId: received.rowIds.get(m.id)!.get('plan_handler')!,
      outcome: 'done',
      error: null,
      delayMs: 0,
    }));
  });

  afterAll(async () => {
    await pool.end();
    await dropSchema(db, schema);
    await db.end();
  });

  it('reads only the blocks of the batch: a TID range scan, never the whole table', async () => {
    const plan = await db.query(
      `EXPLAIN (FORMAT JSON) ${sql.settle}`,
      settleParameters(outcomes, leaseToken),
    );
    const scans = planNodes(plan.rows[0]['QUERY PLAN'], 'inbox_handler_states');
    expect(scans).toEqual(['Tid Range Scan']);
  });

  it('keeps that plan as a prepared statement (generic plan)', async () => {
    await db.query(`PREPARE settle_plan AS ${sql.settle}`);
    await db.query(`SET plan_cache_mode = force_generic_plan`);
    try {
      const args = literalArguments(db, settleParameters(outcomes, leaseToken));
      const plan = await db.query(`EXPLAIN (FORMAT JSON) EXECUTE settle_plan(${args})`);
      expect(planNodes(plan.rows[0]['QUERY PLAN'], 'inbox_handler_states')).toEqual(['Tid Range Scan']);
    } finally {
      await db.query(`RESET plan_cache_mode`);
      await db.query(`DEALLOCATE settle_plan`);
    }
  });

  it('settles every row of the batch', async () => {
    const settled = await store.settle(outcomes, leaseToken);
    expect(settled).toHaveLength(BATCH);
    expect(new Set(settled.map((row) => row.status))).toEqual(new Set(['done']));
  });
});
