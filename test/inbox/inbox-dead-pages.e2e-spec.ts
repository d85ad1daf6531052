import { Injectable, type INestApplicationContext } from '@nestjs/common';
import type { Client } from 'pg';
import {
  InboxHandler,
  InboxRetention,
  InboxService,
  InvalidCursorError,
  InvalidFilterError,
  type DeadInboxEntry,
  type DeadInboxQuery,
  type InboxMessage,
} from '@courier-nest/inbox';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createInboxApp } from '../harness/inbox-app';
import { waitFor } from '../harness/wait-for';

const MESSAGES = 120;
const HANDLERS = ['reserve_stock', 'send_mail'];
// Texts that tell an escaped pattern from a raw one: '100%' must not match '1000', 'x_y' not 'xzy'.
const ERRORS = ['Stock service said 100% full', 'timeout after 1000 ms', 'no row x_y', 'no row xzy'];

interface DeadRun {
  message_id: string;
  handler_key: string;
  event_type: string;
  last_error: string;
  updated_at: Date;
}

@Injectable()
class IdleHandlers {
  @InboxHandler('order_events', 'reserve_stock')
  reserve() {}

  @InboxHandler('order_events', 'send_mail')
  mail() {}

  @InboxHandler('audit_events', 'audit')
  audit() {}
}

async function allPages(inbox: InboxService, query: DeadInboxQuery): Promise<DeadInboxEntry[][]> {
  const pages: DeadInboxEntry[][] = [];
  let cursor: string | undefined;
  do {
    const page = await inbox.pageDead({ ...query, cursor });
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

const runKey = (r: { messageId?: string; message_id?: string; handlerKey?: string; handler_key?: string }) =>
  `${r.messageId ?? r.message_id}/${r.handlerKey ?? r.handler_key}`;

describe('Inbox dead runs for operators: pages, filters, replay, purge, figures, lookup', () => {
  const schema = uniqueName('inbox_dead_pages');
  let app: INestApplicationContext;
  let db: Client;
  let inbox: InboxService;
  const states = () => `"${schema}".inbox_handler_states`;
  const messages = () => `"${schema}".inbox_messages`;

  /** The dead runs in list order: what every list is checked against, filtered in JavaScript. */
  const deadRuns = async (): Promise<DeadRun[]> =>
    (
      await db.query(
        `SELECT message_id, handler_key, event_type, last_error, updated_at FROM ${states()}
         WHERE status = 'dead' ORDER BY updated_at, message_id, handler_key`,
      )
    ).rows;

  /**
   * `count` messages with a dead run of each handler. Three messages die in the same
   * microsecond, each one's two runs together, and the next three 300 µs later: pages
   * must break ties by message id and handler key, and keep their position to the
   * microsecond (a Date, with milliseconds only, would skip or repeat runs).
   */
  const seedDead = async (count: number, prefix: string, eventType: string | null = null) => {
    await db.query(
      `INSERT INTO ${messages()} (id, event_type, message_type, payload, headers, occurred_at, received_at)
       SELECT $2 || md5(g::text), coalesce($3, (ARRAY['order_events', 'payment_events'])[g % 2 + 1]), 'order_created',
         '{"n":' || g || '}', '{"x-tenant":"t1"}', timestamptz '2026-02-01T00:00:00Z' + g * interval '1 second',
         timestamptz '2026-02-02T00:00:00Z'
       FROM generate_series(1, $1::int) g`,
      [count, prefix, eventType],
    );
    await db.query(
      `INSERT INTO ${states()} (message_id, handler_key, event_type, max_attempts, status, attempts, last_error, updated_at)
       SELECT m.id, h.key, m.event_type, 5, 'dead', 5, ($2::text[])[(m.payload::jsonb->>'n')::int % 4 + 1],
         timestamptz '2026-03-01T00:00:00Z' + ((m.payload::jsonb->>'n')::int / 3) * interval '300 microseconds'
       FROM ${messages()} m CROSS JOIN unnest($3::text[]) AS h(key) WHERE m.id LIKE $1 || '%'`,
      [prefix, ERRORS, HANDLERS],
    );
  };

  beforeAll(async () => {
    db = await openDatabase();
    // No dispatcher: the rows stay exactly as each test writes them.
    app = await createInboxApp({
      inbox: { schema, dispatcher: { enabled: false }, retention: { windowDays: 1, eraseIntervalMs: 0 } },
      handlers: [IdleHandlers],
      rabbitmq: false,
    });
    inbox = app.get(InboxService);
    await seedDead(MESSAGES, 'msg-');
  });

  afterAll(async () => {
    await app?.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it.each([7, 50, 1000])(
    'pages (limit %d) list every dead run once, in the order they died',
    async (limit) => {
      const pages = await allPages(inbox, { limit });
      const total = MESSAGES * HANDLERS.length;
      expect(pages.length).toBe(Math.ceil(total / limit));
      expect(pages.flat().map(runKey)).toEqual((await deadRuns()).map(runKey));
    },
  );

  it('gives each run with its message as stored', async () => {
    const [first] = await deadRuns();
    const { rows } = await db.query(`SELECT payload, occurred_at FROM ${messages()} WHERE id = $1`, [
      first.message_id,
    ]);
    const n = JSON.parse(rows[0].payload).n as number;
    const { items } = await inbox.pageDead({ limit: 1 });
    expect(items).toEqual([
      {
        messageId: first.message_id,
        eventType: first.event_type,
        handlerKey: first.handler_key,
        messageType: 'order_created',
        payload: `{"n":${n}}`,
        headers: { 'x-tenant': 't1' },
        attempts: 5,
        maxAttempts: 5,
        lastError: ERRORS[n % 4],
        occurredAt: new Date(Date.parse('2026-02-01T00:00:00Z') + n * 1000),
        receivedAt: new Date('2026-02-02T00:00:00Z'),
        deadAt: first.updated_at,
      },
    ]);
  });

  it.each<[string, DeadInboxQuery, (run: DeadRun) => boolean]>([
    ['event type', { eventType: 'payment_events' }, (r) => r.event_type === 'payment_events'],
    ['handler key', { handlerKey: 'send_mail' }, (r) => r.handler_key === 'send_mail'],
    ['error text, any case', { errorContains: 'STOCK' }, (r) => r.last_error.startsWith('Stock')],
    ['error text with a %', { errorContains: '100%' }, (r) => r.last_error.includes('100%')],
    ['error text with a _', { errorContains: 'x_y' }, (r) => r.last_error.includes('x_y')],
    [
      'dead from / to',
      { deadFrom: new Date('2026-03-01T00:00:00.000Z'), deadTo: new Date('2026-03-01T00:00:00.001Z') },
      (r) => r.updated_at.getTime() === new Date('2026-03-01T00:00:00.000Z').getTime(),
    ],
    [
      'all of them together',
      { eventType: 'order_events', handlerKey: 'reserve_stock', errorContains: 'row' },
      (r) =>
        r.event_type === 'order_events' && r.handler_key === 'reserve_stock' && r.last_error.includes('row'),
    ],
  ])('filters by %s, across page boundaries', async (_case, filter, matches) => {
    const expected = (await deadRuns()).filter(matches).map(runKey);
    expect(expected.length).toBeGreaterThan(3);
    expect(expected.length).toBeLessThan(MESSAGES * HANDLERS.length);
    const pages = await allPages(inbox, { ...filter, limit: 3 });
    expect(pages.flat().map(runKey)).toEqual(expected);
  });

  it('refuses a cursor it did not give out, and a filter field it does not know', async () => {
    const { nextCursor } = await inbox.pageDead({ limit: 5 });
    const outboxCursor = Buffer.from(JSON.stringify(['outbox-dead', '5'])).toString('base64url');
    const badTime = Buffer.from(JSON.stringify(['inbox-dead', 'soon', 'm', 'h'])).toString('base64url');
    for (const cursor of [`${nextCursor}x`, outboxCursor, badTime, "'; DROP TABLE x; --"]) {
      await expect(inbox.pageDead({ cursor })).rejects.toThrow(InvalidCursorError);
    }
    await expect(inbox.replayMatching({ handler: 'send_mail' } as never)).rejects.toThrow(InvalidFilterError);
    await expect(inbox.pageDead({ limit: 0 })).rejects.toThrow(InvalidFilterError);
  });

  it('finds a message with each of its runs, and null for an id not stored', async () => {
    await db.query(
      `INSERT INTO ${messages()} (id, event_type, payload) VALUES ('journey-1', 'order_events', '{}');
       INSERT INTO ${states()} (message_id, handler_key, event_type, max_attempts, status, attempts, last_error)
       VALUES ('journey-1', 'a_pending', 'order_events', 5, 'pending', 0, NULL),
              ('journey-1', 'b_progress', 'order_events', 5, 'progress', 1, NULL),
              ('journey-1', 'c_failed', 'order_events', 5, 'failed', 2, 'boom'),
              ('journey-1', 'd_done', 'order_events', 5, 'done', 1, NULL),
              ('journey-1', 'e_dead', 'order_events', 3, 'dead', 3, 'gave up')`,
    );
    const found = await inbox.findMessage('journey-1');
    expect(found).toMatchObject({
      id: 'journey-1',
      eventType: 'order_events',
      messageType: null,
      payload: '{}',
    });
    expect(
      found!.handlers.map((h) => [h.handlerKey, h.status, h.attempts, h.maxAttempts, h.lastError]),
    ).toEqual([
      ['a_pending', 'pending', 0, 5, null],
      ['b_progress', 'progress', 1, 5, null],
      ['c_failed', 'failed', 2, 5, 'boom'],
      ['d_done', 'done', 1, 5, null],
      ['e_dead', 'dead', 3, 3, 'gave up'],
    ]);
    expect(found!.handlers[0]).toMatchObject({ availableAt: expect.any(Date), updatedAt: expect.any(Date) });
    expect(await inbox.findMessage('never-received')).toBeNull();
  });

  it('counts unfinished runs per handler, with zeros for a registered handler that has none', async () => {
    const stats = await inbox.handlerStats();
    const { rows } = await db.query(
      `SELECT event_type, handler_key, count(*) FILTER (WHERE status = 'pending')::int AS pending,
         count(*) FILTER (WHERE status = 'progress')::int AS running,
         count(*) FILTER (WHERE status = 'failed')::int AS failed_waiting,
         count(*) FILTER (WHERE status = 'dead')::int AS dead
       FROM ${states()} WHERE status <> 'done' GROUP BY 1, 2`,
    );
    const expected = rows.map((r) => ({
      eventType: r.event_type,
      handlerKey: r.handler_key,
      pending: r.pending,
      running: r.running,
      failedWaiting: r.failed_waiting,
      dead: r.dead,
    }));
    expected.push({
      eventType: 'audit_events',
      handlerKey: 'audit',
      pending: 0,
      running: 0,
      failedWaiting: 0,
      dead: 0,
    });
    expect(stats).toEqual(
      expected.sort((a, b) => (a.eventType + ' ' + a.handlerKey < b.eventType + ' ' + b.handlerKey ? -1 : 1)),
    );
    expect(stats.find((s) => s.handlerKey === 'c_failed')).toMatchObject({ failedWaiting: 1, dead: 0 });
  });

  it('replays listed dead and failed runs from attempt 0, and nothing else', async () => {
    const [dead] = await deadRuns();
    const runs = [
      { messageId: dead.message_id, handlerKey: dead.handler_key },
      { messageId: 'journey-1', handlerKey: 'c_failed' },
      { messageId: 'journey-1', handlerKey: 'd_done' },
      { messageId: 'journey-1', handlerKey: 'b_progress' },
      { messageId: 'never-received', handlerKey: 'x' },
    ];
    expect(await inbox.replayMany(runs)).toEqual(runs.slice(0, 2));
    const { rows } = await db.query(
      `SELECT message_id, handler_key, status, attempts, last_error FROM ${states()}
       WHERE (message_id, handler_key) IN (($1, $2), ('journey-1', 'c_failed'), ('journey-1', 'd_done'))
       ORDER BY message_id, handler_key`,
      [dead.message_id, dead.handler_key],
    );
    expect(rows.map((r) => [r.handler_key, r.status, r.attempts, r.last_error])).toEqual(
      expect.arrayContaining([
        [dead.handler_key, 'pending', 0, null],
        ['c_failed', 'pending', 0, null],
        ['d_done', 'done', 1, null],
      ]),
    );
    expect(await inbox.replayMany([])).toEqual([]);
  });

  it('purges listed dead runs only; the message stays until retention, which then removes it', async () => {
    await db.query(
      `INSERT INTO ${messages()} (id, event_type, payload, received_at) VALUES ('old-1', 'order_events', '{}', now() - interval '2 days');
       INSERT INTO ${states()} (message_id, handler_key, event_type, max_attempts, status, attempts)
       VALUES ('old-1', 'reserve_stock', 'order_events', 5, 'done', 1), ('old-1', 'send_mail', 'order_events', 5, 'dead', 5)`,
    );
    const retention = app.get(InboxRetention);
    const stored = async () => (await db.query(`SELECT 1 FROM ${messages()} WHERE id = 'old-1'`)).rowCount;
    await retention.sweep();
    expect(await stored()).toBe(1); // a dead run keeps its message

    const purged = await inbox.purgeDead([
      { messageId: 'old-1', handlerKey: 'send_mail' },
      { messageId: 'old-1', handlerKey: 'reserve_stock' },
      { messageId: 'journey-1', handlerKey: 'a_pending' },
    ]);
    expect(purged).toEqual([{ messageId: 'old-1', handlerKey: 'send_mail' }]);
    expect((await inbox.findMessage('old-1'))!.handlers.map((h) => h.status)).toEqual(['done']);
    expect((await inbox.findMessage('journey-1'))!.handlers.map((h) => h.handlerKey)).toContain('a_pending');

    await retention.sweep();
    expect(await stored()).toBe(0);
    expect((await db.query(`SELECT 1 FROM ${states()} WHERE message_id = 'old-1'`)).rowCount).toBe(0);
  });

  it('replays and purges every run matching, over several statements, touching nothing else', async () => {
    await seedDead(1_100, 'bulk-replay-', 'bulk_replay_events');
    await seedDead(600, 'bulk-purge-', 'bulk_purge_events');
    // Runs whose death is after the action starts (as if they died again meanwhile): left alone.
    await seedDead(2, 'bulk-later-', 'bulk_replay_events');
    await db.query(
      `UPDATE ${states()} SET updated_at = now() + interval '1 hour' WHERE message_id LIKE 'bulk-later-%'`,
    );
    const others = (await deadRuns())
      .filter((r) => !r.event_type.startsWith('bulk_') || r.message_id.startsWith('bulk-later-'))
      .map(runKey);

    expect(await inbox.replayMatching({ eventType: 'bulk_replay_events' })).toBe(2_200);
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM ${states()}
       WHERE event_type = 'bulk_replay_events' AND status = 'pending' AND attempts = 0 AND last_error IS NULL`,
    );
    expect(rows[0].n).toBe(2_200);

    const stock = 600 / 4; // one message in four has the '100%' error, each with two runs
    expect(await inbox.purgeDeadMatching({ eventType: 'bulk_purge_events', errorContains: '100%' })).toBe(
      2 * stock,
    );
    expect(await inbox.purgeDeadMatching({ eventType: 'bulk_purge_events' })).toBe(1_200 - 2 * stock);
    expect((await deadRuns()).map(runKey)).toEqual(others);
    expect(await db.query(`SELECT 1 FROM ${messages()} WHERE id LIKE 'bulk-purge-%'`)).toMatchObject({
      rowCount: 600,
    });
  });
});

/** Fails while `failing` is set. */
const flaky = { failing: true, runs: [] as string[] };

@Injectable()
class FlakyHandlers {
  @InboxHandler('replay_events', 'flaky', { maxAttempts: 1 })
  handle(message: InboxMessage) {
    flaky.runs.push(message.id);
    if (flaky.failing) throw new Error('downstream is down');
  }
}

describe('Inbox dead runs replayed by the operator run again and finish', () => {
  const schema = uniqueName('inbox_dead_replay');
  let app: INestApplicationContext;
  let db: Client;
  let inbox: InboxService;

  beforeAll(async () => {
    db = await openDatabase();
    app = await createInboxApp({
      inbox: { schema, dispatcher: { pollIntervalMs: 50 } },
      handlers: [FlakyHandlers],
      rabbitmq: false,
    });
    inbox = app.get(InboxService);
  });

  afterAll(async () => {
    await app?.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('runs a run replayed by id, then those replayed by filter, each to done', async () => {
    const ids = ['r-1', 'r-2', 'r-3'].map((id) => uniqueName(id));
    for (const id of ids) await inbox.receive({ id, eventType: 'replay_events', payload: { id } });
    const page = await waitFor(async () => {
      const found = await inbox.pageDead({ handlerKey: 'flaky' });
      return found.items.length === 3 ? found : undefined;
    }, 'the three runs to be dead after their one attempt');
    expect(page.items.map((e) => e.lastError)).toEqual(Array(3).fill('Error: downstream is down'));
    expect(flaky.runs.sort()).toEqual([...ids].sort());

    flaky.failing = false;
    const status = async (id: string) => (await inbox.findMessage(id))!.handlers[0];
    expect(await inbox.replayMany([{ messageId: ids[0], handlerKey: 'flaky' }])).toHaveLength(1);
    await waitFor(async () => (await status(ids[0])).status === 'done', 'the run replayed by id to be done');
    expect(await status(ids[0])).toMatchObject({ attempts: 1, lastError: null });

    expect(await inbox.replayMatching({ eventType: 'replay_events', errorContains: 'DOWN' })).toBe(2);
    for (const id of ids.slice(1)) {
      await waitFor(async () => (await status(id)).status === 'done', `${id} to be done`);
    }
    expect(flaky.runs.filter((id) => id === ids[1])).toHaveLength(2);
    expect(await inbox.pageDead({ handlerKey: 'flaky' })).toEqual({ items: [], nextCursor: null });
    expect(await inbox.handlerStats()).toEqual([
      { eventType: 'replay_events', handlerKey: 'flaky', pending: 0, running: 0, failedWaiting: 0, dead: 0 },
    ]);
  });
});
