import { Injectable, type INestApplicationContext } from '@nestjs/common';
import type { Client } from 'pg';
import { register } from 'prom-client';
import {
  InboxHandler,
  InboxHealthIndicator,
  InboxMetricNames,
  InboxNonRetryableError,
  InboxRetention,
  InboxService,
  type InboxDeadInfo,
  type InboxErrorInfo,
  type InboxHandlerContext,
  type InboxMessage,
} from '@courier-nest/inbox';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createInboxApp } from '../harness/inbox-app';
import { waitFor } from '../harness/wait-for';

/** Records every run; behaviour per handler key is set by each test. */
const runs: Array<{ key: string; id: string; attempt: number }> = [];
const behaviour: Record<string, (message: InboxMessage, ctx: InboxHandlerContext) => Promise<void> | void> =
  {};
const record = (key: string) => (message: InboxMessage, ctx: InboxHandlerContext) => {
  runs.push({ key, id: message.id, attempt: ctx.attempt });
  return behaviour[key]?.(message, ctx);
};

@Injectable()
class OrderHandlers {
  @InboxHandler('order_events', 'a_ship')
  a(message: InboxMessage, ctx: InboxHandlerContext) {
    return record('a_ship')(message, ctx);
  }

  @InboxHandler('order_events', 'b_bill')
  b(message: InboxMessage, ctx: InboxHandlerContext) {
    return record('b_bill')(message, ctx);
  }

  @InboxHandler('order_events', 'c_mail')
  c(message: InboxMessage, ctx: InboxHandlerContext) {
    return record('c_mail')(message, ctx);
  }

  @InboxHandler('slow_events', 'slow', { timeoutMs: 300, maxAttempts: 1 })
  slow(message: InboxMessage, ctx: InboxHandlerContext) {
    return record('slow')(message, ctx);
  }

  @InboxHandler('tx_events', 'tx_apply', { transactional: true })
  async apply(message: InboxMessage, ctx: InboxHandlerContext) {
    await ctx.manager!.query(
      `INSERT INTO "${(message.payload as { schema: string }).schema}".effects (message_id, attempt) VALUES ($1, $2)`,
      [message.id, ctx.attempt],
    );
    return record('tx_apply')(message, ctx);
  }
}

describe('Inbox: dedup, per-handler lifecycle, timeout, retention and replay (PostgreSQL)', () => {
  const schema = uniqueName('inbox_lifecycle');
  const dead: InboxDeadInfo[] = [];
  const errors: InboxErrorInfo[] = [];
  let app: INestApplicationContext;
  let db: Client;
  let inbox: InboxService;

  type State = { status: string; attempts: number; lastError: string | null };
  const statesOf = async (id: string): Promise<Record<string, State>> =>
    Object.fromEntries(
      (
        await db.query(
          `SELECT handler_key, status, attempts, last_error FROM "${schema}".inbox_handler_states WHERE message_id = $1`,
          [id],
        )
      ).rows.map((r) => [r.handler_key, { status: r.status, attempts: r.attempts, lastError: r.last_error }]),
    );
  const runsOf = (key: string, id: string) => runs.filter((r) => r.key === key && r.id === id);

  beforeAll(async () => {
    db = await openDatabase();
    app = await createInboxApp({
      inbox: {
        schema,
        maxAttempts: 3,
        backoff: { initialDelayMs: 20, maxDelayMs: 40, jitter: 0 },
        dispatcher: { pollIntervalMs: 50, leaseMs: 1_000 },
        retention: { windowDays: 1, eraseIntervalMs: 0 },
        onDead: (info) => void dead.push(info),
        onError: (info) => void errors.push(info),
      },
      handlers: [OrderHandlers],
      rabbitmq: false,
    });
    inbox = app.get(InboxService);
    await db.query(`CREATE TABLE "${schema}".effects (message_id text NOT NULL, attempt int NOT NULL)`);
  });

  afterAll(async () => {
    await app?.close();
    await dropSchema(db, schema);
    await db.end();
  });

  beforeEach(() => {
    runs.splice(0);
    dead.splice(0);
    errors.splice(0);
    for (const key of Object.keys(behaviour)) delete behaviour[key];
  });

  it('runs each handler once for an id delivered three times (0, +500 ms, +50 ms)', async () => {
    const id = uniqueName('dup');
    const message = { id, eventType: 'order_events', type: 'order_created', payload: { order: 1 } };
    expect(await inbox.receive(message)).toEqual({ id, duplicate: false });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the redelivery schedule under test
    expect(await inbox.receive(message)).toEqual({ id, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await inbox.receive(message)).toEqual({ id, duplicate: true });

    await waitFor(
      async () => Object.values(await statesOf(id)).every((s) => s.status === 'done'),
      'all handlers done',
    );
    for (const key of ['a_ship', 'b_bill', 'c_mail']) expect(runsOf(key, id)).toHaveLength(1);
  });

  it('keeps one state row per handler when two consumers receive the same id at the same instant', async () => {
    const id = uniqueName('race');
    const message = { id, eventType: 'order_events', payload: {} };
    const results = await Promise.all([
      inbox.receive(message),
      inbox.receive(message),
      inbox.receiveMany([message, message]),
    ]);
    const flat = results.flat();
    expect(flat.filter((r) => !r.duplicate)).toHaveLength(1);
    const { rows } = await db.query(
      `SELECT handler_key FROM "${schema}".inbox_handler_states WHERE message_id = $1 ORDER BY 1`,
      [id],
    );
    expect(rows.map((r) => r.handler_key)).toEqual(['a_ship', 'b_bill', 'c_mail']);
    // Let its handlers finish here: the next test makes b_bill fail, and must not see this id.
    await waitFor(
      async () => Object.values(await statesOf(id)).every((s) => s.status === 'done'),
      'all handlers done',
    );
  });

  it('retries the failing handler to max attempts then marks it dead, while the others are done once', async () => {
    behaviour.b_bill = () => {
      throw new Error('payment gateway down');
    };
    const id = uniqueName('fail');
    await inbox.receive({ id, eventType: 'order_events', payload: {} });

    await waitFor(async () => (await statesOf(id)).b_bill?.status === 'dead', 'b_bill to be dead');
    // The callbacks run right after the settle commits: wait for them, not just the row.
    await waitFor(() => dead.some((d) => d.messageId === id), 'the dead callback');
    const states = await statesOf(id);
    expect(states.a_ship).toMatchObject({ status: 'done', attempts: 1 });
    expect(states.c_mail).toMatchObject({ status: 'done', attempts: 1 });
    expect(states.b_bill).toMatchObject({
      status: 'dead',
      attempts: 3,
      lastError: 'Error: payment gateway down',
    });
    expect(runsOf('b_bill', id).map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(runsOf('a_ship', id)).toHaveLength(1);
    expect(runsOf('c_mail', id)).toHaveLength(1);
    expect(dead).toEqual([
      {
        messageId: id,
        eventType: 'order_events',
        handlerKey: 'b_bill',
        attempts: 3,
        error: 'Error: payment gateway down',
      },
    ]);
    expect(errors.filter((e) => e.messageId === id).map((e) => [e.handlerKey, e.attempts, e.dead])).toEqual([
      ['b_bill', 1, false],
      ['b_bill', 2, false],
      ['b_bill', 3, true],
    ]);
    const deadList = await inbox.listDead({ handlerKey: 'b_bill' });
    expect(deadList.map((d) => d.messageId)).toContain(id);
  });

  it('marks a handler dead at once on a non-retryable error', async () => {
    behaviour.c_mail = () => {
      throw new InboxNonRetryableError('address is invalid');
    };
    const id = uniqueName('nonretry');
    await inbox.receive({ id, eventType: 'order_events', payload: {} });
    await waitFor(async () => (await statesOf(id)).c_mail?.status === 'dead', 'c_mail dead');
    expect((await statesOf(id)).c_mail).toMatchObject({ attempts: 1 });
    expect(runsOf('c_mail', id)).toHaveLength(1);
  });

  it('counts a retry as attempt 2 of the same message, not a duplicate', async () => {
    let failedOnce = false;
    behaviour.a_ship = () => {
      if (!failedOnce) {
        failedOnce = true;
        throw new Error('flaky');
      }
    };
    const id = uniqueName('retry');
    await inbox.receive({ id, eventType: 'order_events', payload: {} });
    await waitFor(async () => (await statesOf(id)).a_ship?.status === 'done', 'a_ship done');
    expect((await statesOf(id)).a_ship).toMatchObject({ status: 'done', attempts: 2, lastError: null });
    expect(runsOf('a_ship', id).map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('aborts a handler that runs twice its timeout and ignores its late completion', async () => {
    let aborted: unknown;
    let finished!: () => void;
    const lateCompletion = new Promise<void>((resolve) => (finished = resolve));
    behaviour.slow = async (_message, ctx) => {
      ctx.signal.addEventListener('abort', () => (aborted = ctx.signal.reason));
      await new Promise((resolve) => setTimeout(resolve, 600)); // twice the 300 ms timeout
      finished();
    };
    const id = uniqueName('slow');
    await inbox.receive({ id, eventType: 'slow_events', payload: {} });
    await waitFor(
      async () => (await statesOf(id)).slow?.status === 'dead',
      'the timed-out attempt to be recorded',
    );
    expect((await statesOf(id)).slow).toMatchObject({
      status: 'dead',
      attempts: 1,
      lastError: 'timed out after 300 ms',
    });
    expect(aborted).toMatchObject({ name: 'HandlerTimeoutError', timeoutMs: 300 });

    await lateCompletion;
    await new Promise((resolve) => setImmediate(resolve));
    expect((await statesOf(id)).slow).toMatchObject({ status: 'dead', attempts: 1 });
  });

  it('gives a handler that first looks at its signal after the timeout an already aborted one', async () => {
    let looked!: (signal: { aborted: boolean; reason: unknown }) => void;
    const lateLook = new Promise<{ aborted: boolean; reason: unknown }>((resolve) => (looked = resolve));
    behaviour.slow = async (_message, ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 600)); // twice the 300 ms timeout
      looked({ aborted: ctx.signal.aborted, reason: ctx.signal.reason });
    };
    await inbox.receive({ id: uniqueName('late_look'), eventType: 'slow_events', payload: {} });
    expect(await lateLook).toMatchObject({
      aborted: true,
      reason: { name: 'HandlerTimeoutError', timeoutMs: 300 },
    });
  });

  it("rolls back a transactional handler's effects when it throws, and commits them with the done-mark on retry", async () => {
    behaviour.tx_apply = (_message, ctx) => {
      if (ctx.attempt === 1) throw new Error('after writing, before finishing');
    };
    const id = uniqueName('tx');
    await inbox.receive({ id, eventType: 'tx_events', payload: { schema } });
    await waitFor(async () => (await statesOf(id)).tx_apply?.status === 'done', 'tx_apply done');
    const effects = (await db.query(`SELECT attempt FROM "${schema}".effects WHERE message_id = $1`, [id]))
      .rows;
    expect(effects).toEqual([{ attempt: 2 }]);
    expect((await statesOf(id)).tx_apply).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('counts what it did in metrics and shows dead handlers in health', async () => {
    const value = async (name: string, labels: Record<string, string>) => {
      const metric = register.getSingleMetric(name);
      const { values } = await metric!.get();
      return values
        .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
        .reduce((n, v) => n + v.value, 0);
    };
    expect(await value(InboxMetricNames.duplicates, { event_type: 'order_events' })).toBeGreaterThanOrEqual(
      3,
    );
    expect(
      await value(InboxMetricNames.handled, { handler_key: 'b_bill', outcome: 'dead' }),
    ).toBeGreaterThanOrEqual(1);
    // The two timeout tests above: one timed-out (and last) attempt each. The second test ends
    // when its handler looks at its signal, and the attempt is counted after its settle commits.
    const timedOut = () =>
      value(InboxMetricNames.handled, { handler_key: 'slow', outcome: 'dead', reason: 'timeout' });
    await waitFor(async () => (await timedOut()) >= 2, 'both timed-out attempts to be counted');
    expect(await timedOut()).toBe(2);
    expect(
      await value(InboxMetricNames.handled, { handler_key: 'a_ship', outcome: 'done' }),
    ).toBeGreaterThanOrEqual(1);
    expect(await value(InboxMetricNames.deadTotal, { handler_key: 'b_bill' })).toBeGreaterThanOrEqual(1);
    const health = await app.get(InboxHealthIndicator).isHealthy('inbox', { maxDead: 0 });
    expect(health.inbox).toMatchObject({ status: 'down', dispatcherRunning: true });
    expect((health.inbox as unknown as { dead: number }).dead).toBeGreaterThanOrEqual(1);
  });

  it("stores inside the caller's transaction: nothing on rollback, the message and its handler rows on commit", async () => {
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const rolledBack = uniqueName('caller_rb');
    await expect(
      dataSource.transaction(async (manager) => {
        await inbox.receive({ id: rolledBack, eventType: 'order_events', payload: {} }, manager);
        throw new Error('caller failed');
      }),
    ).rejects.toThrow('caller failed');
    expect(
      (await db.query(`SELECT 1 FROM "${schema}".inbox_messages WHERE id = $1`, [rolledBack])).rows,
    ).toEqual([]);

    const committed = uniqueName('caller_ok');
    await dataSource.transaction((manager) =>
      inbox.receive({ id: committed, eventType: 'order_events', payload: {} }, manager),
    );
    await waitFor(
      async () => Object.values(await statesOf(committed)).every((s) => s.status === 'done'),
      'its handlers',
    );
    expect(Object.keys(await statesOf(committed)).sort()).toEqual(['a_ship', 'b_bill', 'c_mail']);
    expect(runs.filter((r) => r.id === rolledBack)).toEqual([]);
  });

  it('purges a message with all its handler states', async () => {
    const id = uniqueName('purge');
    await inbox.receive({ id, eventType: 'order_events', payload: {} });
    expect(await inbox.purge(id)).toBe(true);
    expect(
      (await db.query(`SELECT 1 FROM "${schema}".inbox_handler_states WHERE message_id = $1`, [id])).rows,
    ).toEqual([]);
    expect(await inbox.purge(id)).toBe(false);
  });

  it('stores a message no handler listens to, and reports it as new', async () => {
    const id = uniqueName('orphan');
    expect(await inbox.receive({ id, eventType: 'nobody_listens', payload: { x: 1 } })).toEqual({
      id,
      duplicate: false,
    });
    const { rows } = await db.query(`SELECT event_type FROM "${schema}".inbox_messages WHERE id = $1`, [id]);
    expect(rows).toEqual([{ event_type: 'nobody_listens' }]);
  });

  it('retention removes only fully done messages past the window; replay runs only the dead handler', async () => {
    behaviour.b_bill = () => {
      throw new InboxNonRetryableError('no');
    };
    const doneId = uniqueName('old_done');
    const deadId = uniqueName('old_dead');
    const freshId = uniqueName('fresh_done');
    for (const id of [doneId, deadId]) await inbox.receive({ id, eventType: 'order_events', payload: {} });
    await waitFor(async () => (await statesOf(doneId)).b_bill?.status === 'dead', 'handlers settled');
    await waitFor(async () => (await statesOf(deadId)).b_bill?.status === 'dead', 'handlers settled');
    delete behaviour.b_bill;
    await db.query(`UPDATE "${schema}".inbox_handler_states SET status = 'done' WHERE message_id = $1`, [
      doneId,
    ]);
    // Age both past the window; a fresh done message stays inside it.
    await db.query(
      `UPDATE "${schema}".inbox_messages SET received_at = now() - interval '2 days' WHERE id = ANY($1)`,
      [[doneId, deadId]],
    );
    await inbox.receive({ id: freshId, eventType: 'order_events', payload: {} });
    await waitFor(
      async () => Object.values(await statesOf(freshId)).every((s) => s.status === 'done'),
      'fresh done',
    );

    await app.get(InboxRetention).sweep();
    const remaining = (
      await db.query(`SELECT id FROM "${schema}".inbox_messages WHERE id = ANY($1)`, [
        [doneId, deadId, freshId],
      ])
    ).rows.map((r) => r.id);
    expect(remaining.sort()).toEqual([deadId, freshId].sort());
    expect(Object.keys(await statesOf(doneId))).toEqual([]); // its handler rows went with it
    expect(Object.keys(await statesOf(deadId)).sort()).toEqual(['a_ship', 'b_bill', 'c_mail']);

    runs.splice(0);
    expect(await inbox.replay(deadId, 'b_bill')).toBe(true);
    await waitFor(async () => (await statesOf(deadId)).b_bill?.status === 'done', 'the replayed handler');
    expect(runs.filter((r) => r.id === deadId).map((r) => r.key)).toEqual(['b_bill']);
    expect((await statesOf(deadId)).b_bill).toMatchObject({ attempts: 1 });
  });
});
