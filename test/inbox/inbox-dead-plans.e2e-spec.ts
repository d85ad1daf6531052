import type { Client } from 'pg';
import { SqlParameters } from '@courier-nest/core/internal';
import { inboxSchemaSql } from '@courier-nest/inbox';
import { InboxDeadSql } from '@courier-nest/inbox/inbox-dead.sql';
import {
  deadInboxConditions,
  type CheckedDeadInboxFilter,
  type DeadInboxKey,
} from '@courier-nest/inbox/inbox-dead.query';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { literalArguments, scanNodes } from '../harness/query-plans';

const MESSAGES = 50_000; // two dead runs each: 100,000
const DEAD = 2 * MESSAGES;
const LIMIT = 100;
const DEAD_INDEXES = [
  'inbox_handler_states_dead_page',
  'inbox_handler_states_dead_handler',
  'inbox_handler_states_dead_event',
];

type Plan = Parameters<typeof scanNodes>[0];

/**
 * The dead-run page statement on 100,000 dead runs (beside as many done ones): the
 * first, a middle and the last page each walk a dead-run index from their position and
 * read about one page of runs and of messages, with the table's statistics missing (a
 * new table, or a burst of dead runs not analysed yet), analysed, and as a prepared
 * statement's generic plan.
 */
describe('Inbox dead pages walk an index on 100,000 dead runs, whatever the page', () => {
  const schema = uniqueName('inbox_dead_plans');
  const sql = new InboxDeadSql(schema);
  let db: Client;
  const positions: Array<[string, DeadInboxKey | null]> = [];

  /** The page statement as InboxDeadStore sends it, with its parameters. */
  const pageStatement = (filter: CheckedDeadInboxFilter, after: DeadInboxKey | null) => {
    const params = new SqlParameters();
    const limit = params.add(LIMIT + 1, 'int');
    const { conditions } = deadInboxConditions(filter, after, params);
    return { text: sql.page(conditions, limit), values: params.values };
  };

  const explain = async (filter: CheckedDeadInboxFilter, after: DeadInboxKey | null): Promise<Plan> => {
    const { text, values } = pageStatement(filter, after);
    const { rows } = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
    return rows[0]['QUERY PLAN'];
  };

  const expectIndexWalk = (plan: Plan, readAtMost: number) => {
    const runs = scanNodes(plan, 'inbox_handler_states');
    expect(runs).toHaveLength(1);
    expect(['Index Scan', 'Index Only Scan']).toContain(runs[0].type);
    expect(DEAD_INDEXES).toContain(runs[0].index);
    expect(runs[0].rowsRead).toBeLessThanOrEqual(readAtMost);
    // Messages are looked up for the page's runs only.
    const messages = scanNodes(plan, 'inbox_messages');
    expect(messages).toHaveLength(1);
    expect(messages[0].index).toBe('inbox_messages_pkey');
    expect(messages[0].rowsRead).toBeLessThanOrEqual(LIMIT + 1);
  };

  /** The position of the dead run at `offset` in list order, as a cursor holds it. */
  const positionAt = async (offset: number): Promise<DeadInboxKey> => {
    const { rows } = await db.query(
      `SELECT (extract(epoch FROM updated_at) * 1000000)::bigint::text AS dead_micros, message_id, handler_key
       FROM "${schema}".inbox_handler_states WHERE status = 'dead'
       ORDER BY updated_at, message_id, handler_key OFFSET $1 LIMIT 1`,
      [offset],
    );
    return {
      deadMicros: rows[0].dead_micros,
      messageId: rows[0].message_id,
      handlerKey: rows[0].handler_key,
    };
  };

  beforeAll(async () => {
    db = await openDatabase();
    for (const statement of inboxSchemaSql(schema)) await db.query(statement);
    await db.query(
      `INSERT INTO "${schema}".inbox_messages (id, event_type, message_type, payload)
       SELECT 'm-' || md5(g::text), 'e' || (g % 4), 't', '{"n":' || g || '}' FROM generate_series(1, $1::int) g`,
      [MESSAGES],
    );
    // Two dead runs a message, three messages dying in the same microsecond; and a done run each.
    await db.query(
      `INSERT INTO "${schema}".inbox_handler_states (message_id, handler_key, event_type, max_attempts, status, attempts,
         last_error, updated_at)
       SELECT 'm-' || md5(g::text), h.key, 'e' || (g % 4), 5, CASE WHEN h.key = 'h_done' THEN 'done' ELSE 'dead' END,
         5, 'boom ' || g, timestamptz '2026-03-01T00:00:00Z' + (g / 3) * interval '250 microseconds'
       FROM generate_series(1, $1::int) g CROSS JOIN (VALUES ('h1'), ('h2'), ('h_done')) AS h(key)`,
      [MESSAGES],
    );
    positions.push(
      ['first', null],
      ['middle', await positionAt(DEAD / 2)],
      ['last', await positionAt(DEAD - LIMIT / 2 - 1)],
    );
  });

  afterAll(async () => {
    await dropSchema(db, schema);
    await db.end();
  });

  it.each(['without statistics', 'analysed'])('%s: every page reads one page of runs', async (state) => {
    if (state === 'analysed') {
      await db.query(`ANALYZE "${schema}".inbox_handler_states`);
      await db.query(`ANALYZE "${schema}".inbox_messages`);
    }
    for (const [, after] of positions) {
      expectIndexWalk(await explain({}, after), LIMIT + 1);
      // One handler: the handler index, from the same position.
      expectIndexWalk(await explain({ handlerKey: 'h2' }, after), LIMIT + 1);
      // One event type of four: its index, or the list's index past the other types' runs
      // (the planner's choice once it knows a quarter match): bounded either way.
      expectIndexWalk(await explain({ eventType: 'e1' }, after), 4 * (LIMIT + 1) + 10);
    }
  });

  it('keeps the index walk as a prepared statement (generic plan)', async () => {
    await db.query(`PREPARE dead_page AS ${pageStatement({}, positions[1][1]).text}`);
    await db.query(`SET plan_cache_mode = force_generic_plan`);
    try {
      for (const [, after] of positions.slice(1)) {
        const args = literalArguments(db, pageStatement({}, after).values);
        const { rows } = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE dead_page(${args})`);
        expectIndexWalk(rows[0]['QUERY PLAN'], LIMIT + 1);
      }
    } finally {
      await db.query(`RESET plan_cache_mode`);
      await db.query(`DEALLOCATE dead_page`);
    }
  });

  it('the last page holds the last 50 runs, fewer than a page: no next page', async () => {
    const { text, values } = pageStatement({}, positions[2][1]);
    const { rows } = await db.query(text, values);
    expect(rows).toHaveLength(LIMIT / 2);
  });
});
