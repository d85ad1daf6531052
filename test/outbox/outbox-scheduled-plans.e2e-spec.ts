import type { Client } from 'pg';
import { outboxSchemaSql } from '@courier-nest/outbox';
import { OutboxScheduleSql } from '@courier-nest/outbox/outbox-schedule.sql';
import { OutboxSql } from '@courier-nest/outbox/outbox.sql';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { scanNodes } from '../harness/query-plans';

const LATER = 100_000;
const DUE = 2_000;
const DUE_SCHEDULED = 50;
const LIMIT = 100;

/**
 * 100,000 messages scheduled for tomorrow cost the relay nothing: its claims read the due
 * rows only, and the mover reads the due scheduled rows and one more, with the tables'
 * statistics missing (a burst not analysed yet) and analysed.
 */
describe('Outbox claims and moves with 100,000 messages scheduled for later', () => {
  const schema = uniqueName('outbox_scheduled_plans');
  const sql = new OutboxSql(schema);
  const scheduleSql = new OutboxScheduleSql(schema);
  let db: Client;

  /** EXPLAIN ANALYZE of a statement, in a transaction rolled back: a claim changes nothing. */
  const explain = async (text: string, values: unknown[]) => {
    await db.query('BEGIN');
    try {
      const { rows } = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
      return rows[0]['QUERY PLAN'];
    } finally {
      await db.query('ROLLBACK');
    }
  };

  const expectClaimReadsDueRowsOnly = async (claim: string) => {
    const plan = await explain(claim, [LIMIT, 'plans', 30_000]);
    const scans = scanNodes(plan, 'outbox_messages');
    expect(scans.length).toBeGreaterThan(0);
    // At most the due rows (how many of them depends on the plan PostgreSQL picks for a
    // table that small), and never one of the 100,000 that wait in their own table.
    for (const scan of scans) expect(scan.rowsRead).toBeLessThanOrEqual(DUE);
    expect(scanNodes(plan, 'outbox_scheduled_messages')).toEqual([]);
  };

  const expectMoverReadsDueRowsOnly = async () => {
    const state = scanNodes(await explain(scheduleSql.state, []), 'outbox_scheduled_messages');
    expect(state.map((scan) => scan.index)).toEqual([
      'outbox_scheduled_messages_deliver_at',
      'outbox_scheduled_messages_deliver_at',
    ]);
    for (const scan of state) expect(scan.rowsRead).toBeLessThanOrEqual(1);
    const lockDue = scanNodes(await explain(scheduleSql.lockDue, [LIMIT]), 'outbox_scheduled_messages');
    expect(lockDue).toEqual([
      expect.objectContaining({ index: 'outbox_scheduled_messages_deliver_at', rowsRead: DUE_SCHEDULED }),
    ]);
  };

  beforeAll(async () => {
    db = await openDatabase();
    for (const statement of outboxSchemaSql(schema)) await db.query(statement);
    await db.query(
      `INSERT INTO "${schema}".outbox_scheduled_messages (id, destination, type, key, payload, correlation_id, source,
         occurred_at, deliver_at)
       SELECT gen_random_uuid(), 'd', 't', 'k' || (g % 100), '{}', 'c', 's', now(),
         CASE WHEN g <= $2 THEN now() - interval '1 second' ELSE now() + interval '1 day' END
       FROM generate_series(1, $1::int) g`,
      [LATER + DUE_SCHEDULED, DUE_SCHEDULED],
    );
    await db.query(
      `INSERT INTO "${schema}".outbox_messages (id, destination, type, key, payload, correlation_id, source, occurred_at)
       SELECT gen_random_uuid(), 'd', 't', 'k' || (g % 100), '{}', 'c', 's', now() FROM generate_series(1, $1::int) g`,
      [DUE],
    );
  });

  afterAll(async () => {
    await dropSchema(db, schema);
    await db.end();
  });

  it.each([
    ['without statistics', false],
    ['analysed', true],
  ])('%s: claims read due rows only, the mover the due scheduled ones', async (_label, analysed) => {
    if (analysed)
      await db.query(`ANALYZE "${schema}".outbox_messages, "${schema}".outbox_scheduled_messages`);
    await expectClaimReadsDueRowsOnly(sql.claimUnordered);
    await expectClaimReadsDueRowsOnly(sql.claimPerKey);
    await expectMoverReadsDueRowsOnly();
  });
});
