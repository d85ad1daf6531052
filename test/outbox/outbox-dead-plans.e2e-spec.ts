import type { Client } from 'pg';
import { SqlParameters } from '@courier-nest/core/internal';
import { outboxSchemaSql } from '@courier-nest/outbox';
import { OutboxDeadSql } from '@courier-nest/outbox/outbox-dead.sql';
import { deadOutboxConditions, type CheckedDeadOutboxFilter } from '@courier-nest/outbox/outbox-dead.query';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { literalArguments, nodeTypes, scanNodes } from '../harness/query-plans';

const DEAD = 100_000;
const LIVE = 20_000;
const LIMIT = 100;
const DEAD_INDEXES = ['outbox_messages_dead_seq', 'outbox_messages_dead_destination'];

/**
 * The dead-message page statement on a table of 100,000 dead rows (and live ones): the
 * first, a middle and the last page each walk a dead-row index from their position and
 * read about one page of rows, with the table's statistics missing (a new table, or a
 * burst of dead rows not analysed yet), analysed, and as a prepared statement's generic
 * plan.
 */
describe('Outbox dead pages walk an index on 100,000 dead rows, whatever the page', () => {
  const schema = uniqueName('outbox_dead_plans');
  const sql = new OutboxDeadSql(schema);
  let db: Client;
  /** The seq each page starts after: first, middle, last. */
  const positions: Array<[string, string]> = [];

  /** The page statement as OutboxDeadStore sends it, with its parameters. */
  const pageStatement = (filter: CheckedDeadOutboxFilter, afterSeq: string) => {
    const params = new SqlParameters();
    const after = params.add(afterSeq, 'bigint');
    const limit = params.add(LIMIT + 1, 'int');
    const { conditions } = deadOutboxConditions(filter, params);
    return { text: sql.page(conditions, after, limit), values: params.values };
  };

  const explain = async (filter: CheckedDeadOutboxFilter, afterSeq: string) => {
    const { text, values } = pageStatement(filter, afterSeq);
    const { rows } = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
    return rows[0]['QUERY PLAN'];
  };

  const expectIndexWalk = (plan: Parameters<typeof nodeTypes>[0], readAtMost: number) => {
    const scans = scanNodes(plan, 'outbox_messages');
    expect(scans).toHaveLength(1);
    expect(['Index Scan', 'Index Only Scan']).toContain(scans[0].type);
    expect(DEAD_INDEXES).toContain(scans[0].index);
    expect(scans[0].rowsRead).toBeLessThanOrEqual(readAtMost);
    expect(nodeTypes(plan)).not.toContain('Sort');
  };

  beforeAll(async () => {
    db = await openDatabase();
    for (const statement of outboxSchemaSql(schema)) await db.query(statement);
    // Live and dead rows interleaved, ten destinations, as a long incident leaves them.
    await db.query(
      `INSERT INTO "${schema}".outbox_messages (id, destination, type, payload, correlation_id, source, occurred_at,
         attempts, last_error, dead_at, available_at)
       SELECT gen_random_uuid(), 'd' || (g % 10), 't', '{"n":' || g || '}', 'c', 's', now(),
         CASE WHEN g % 6 = 0 THEN 0 ELSE 5 END,
         CASE WHEN g % 6 = 0 THEN NULL ELSE 'timeout: ' || g END,
         CASE WHEN g % 6 = 0 THEN NULL ELSE now() END,
         CASE WHEN g % 6 = 0 THEN now() ELSE 'infinity' END
       FROM generate_series(1, $1::int) g`,
      [DEAD + LIVE],
    );
    const { rows } = await db.query(
      `SELECT seq FROM "${schema}".outbox_messages WHERE dead_at IS NOT NULL ORDER BY seq OFFSET $1 LIMIT 1`,
      [DEAD / 2],
    );
    const { rows: last } = await db.query(
      `SELECT seq FROM "${schema}".outbox_messages WHERE dead_at IS NOT NULL ORDER BY seq OFFSET $1 LIMIT 1`,
      [DEAD - LIMIT / 2 - 1], // the page after it holds the last 50 rows
    );
    positions.push(['first', '0'], ['middle', rows[0].seq], ['last', last[0].seq]);
  });

  afterAll(async () => {
    await dropSchema(db, schema);
    await db.end();
  });

  it.each(['without statistics', 'analysed'])('%s: every page reads one page of rows', async (state) => {
    if (state === 'analysed') await db.query(`ANALYZE "${schema}".outbox_messages`);
    for (const [, afterSeq] of positions) {
      expectIndexWalk(await explain({}, afterSeq), LIMIT + 1);
    }
    // One destination of ten: a walk of the destination index, or of the seq index past
    // the other destinations' rows; either way a bounded number, whatever the page.
    for (const [, afterSeq] of positions) {
      expectIndexWalk(await explain({ destination: 'd3' }, afterSeq), 10 * (LIMIT + 1) + 10);
    }
  });

  it('keeps the index walk as a prepared statement (generic plan)', async () => {
    const { text } = pageStatement({}, '0');
    await db.query(`PREPARE dead_page AS ${text}`);
    await db.query(`SET plan_cache_mode = force_generic_plan`);
    try {
      for (const [, afterSeq] of positions) {
        const args = literalArguments(db, [afterSeq, LIMIT + 1]);
        const { rows } = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE dead_page(${args})`);
        expectIndexWalk(rows[0]['QUERY PLAN'], LIMIT + 1);
      }
    } finally {
      await db.query(`RESET plan_cache_mode`);
      await db.query(`DEALLOCATE dead_page`);
    }
  });

  it('the last page holds the last 50 rows, fewer than a page: no next page', async () => {
    const { text, values } = pageStatement({}, positions[2][1]);
    const { rows } = await db.query(text, values);
    expect(rows).toHaveLength(LIMIT / 2);
  });
});
