import { getDataSourceToken } from '@nestjs/typeorm';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { OutboxService } from '@courier-nest/outbox';
import { sendConfirmed } from '../harness/broker';
import { startConsoleApp, type ConsoleApp } from '../harness/console-app';
import {
  inboxDeadOf,
  outboxDeadOf,
  queueOf,
  type JourneyBody,
  type OverviewBody,
  type PageBody,
} from '../harness/console-bodies';
import { ConsoleClient } from '../harness/console-client';
import { openDatabase } from '../harness/database';
import { AMQP_URL } from '../harness/env';
import { waitFor } from '../harness/wait-for';

/** Issue 15, what must be shown 1: dead entries of all three kinds, replayed through the API. */
describe('The console API against PostgreSQL and RabbitMQ', () => {
  let fixture: ConsoleApp;
  let client: ConsoleClient;
  let db: Client;
  let amqp: ChannelModel;
  let channel: ConfirmChannel;
  const logLines: string[] = [];
  const ids: { unrouted?: string; inbox?: string; job: string } = { job: 'job-0001' };

  const logger = {
    log: (message: unknown, context?: string) => logLines.push(`${context}: ${String(message)}`),
    warn: (message: unknown, context?: string) => logLines.push(`${context}: ${String(message)}`),
    error: (message: unknown, context?: string) => logLines.push(`${context}: ${String(message)}`),
  };

  beforeAll(async () => {
    db = await openDatabase();
    amqp = await connect(AMQP_URL);
    channel = await amqp.createConfirmChannel();
    fixture = await startConsoleApp({ logger });
    client = new ConsoleClient(fixture.url);
    const outbox = fixture.app.get(OutboxService);
    const dataSource = fixture.app.get<DataSource>(getDataSourceToken());
    [ids.unrouted, ids.inbox] = await dataSource.transaction((m) =>
      outbox.publish(
        m,
        { destination: fixture.unrouted, type: 'nobody_listens', payload: { note: 'lost' } },
        { destination: fixture.eventType, type: 'thing_happened', payload: { note: 'first' } },
      ),
    );
    await channel.assertQueue(fixture.queue, { durable: true }); // as its consumer declares it
    await sendConfirmed(channel, fixture.queue, Buffer.from(JSON.stringify({ job: 1 })), {
      messageId: ids.job,
      contentType: 'application/json',
    });
  });

  afterAll(async () => {
    await fixture?.close();
    await channel.deleteQueue(`${fixture.unrouted}_bound`);
    await amqp.close();
    await db.end();
  });

  it('shows each kind of dead entry in the overview and in its list, with its error', async () => {
    const overview = await waitFor(async () => {
      const o = await client.json<OverviewBody>('api/overview');
      const done = outboxDeadOf(o, fixture.unrouted) === 1 && inboxDeadOf(o, 'flaky') === 1;
      return done && queueOf(o, fixture.queue)?.deadDepth === 1 ? o : undefined;
    }, 'one dead entry of each kind in the overview');
    expect(queueOf(overview, fixture.queue)).toMatchObject({
      deadLetterQueue: `${fixture.queue}.dead`,
      consumers: 1,
    });

    const outboxDead = await client.json<PageBody<{ lastError: string }>>(
      `api/outbox/dead?destination=${fixture.unrouted}`,
    );
    expect(outboxDead.items).toEqual([
      expect.objectContaining({
        id: ids.unrouted,
        type: 'nobody_listens',
        payload: '{"note":"lost"}',
        attempts: 2,
      }),
    ]);
    expect(outboxDead.items[0].lastError).toMatch(/unroutable/);

    const inboxDead = await client.json<PageBody<{ lastError: string }>>(
      `api/inbox/dead?eventType=${fixture.eventType}`,
    );
    expect(inboxDead.items).toEqual([
      expect.objectContaining({
        messageId: ids.inbox,
        handlerKey: 'flaky',
        attempts: 2,
        payload: '{"note":"first"}',
      }),
    ]);
    expect(inboxDead.items[0].lastError).toMatch(/flaky handler failed on first/);

    const consumerDead = await client.json<PageBody<unknown>>(`api/consumer/dead?queue=${fixture.queue}`);
    expect(consumerDead.total).toBe(1);
    expect(consumerDead.items).toEqual([
      expect.objectContaining({
        messageId: ids.job,
        payload: '{"job":1}',
        reason: expect.stringMatching(/job refused until fixed/),
      }),
    ]);
    // The broker is read from its head; the filters narrow what the window shows.
    const future = new Date(Date.now() + 60_000).toISOString();
    for (const filter of ['error=no%20such%20error', `from=${future}`]) {
      const filtered = await client.json<PageBody<unknown>>(
        `api/consumer/dead?queue=${fixture.queue}&${filter}`,
      );
      expect([filter, filtered.items]).toEqual([filter, []]);
    }
    const matching = await client.json<PageBody<unknown>>(
      `api/consumer/dead?queue=${fixture.queue}&error=REFUSED`,
    );
    expect(matching.items).toHaveLength(1);
  });

  it("shows a message's journey: published by the relay, received, its handler dead", async () => {
    const journey = await client.json<JourneyBody>(`api/messages/${ids.inbox}`);
    expect(journey.published).toMatchObject({ destination: fixture.eventType, outcome: 'published' });
    expect(journey.inbox?.handlers).toEqual([
      expect.objectContaining({ handlerKey: 'flaky', status: 'dead', attempts: 2 }),
    ]);
    expect(journey.traceId === null || /^[0-9a-f]{32}$/.test(journey.traceId)).toBe(true);
    const steps = journey.steps.map((s) => s.what);
    expect(steps).toEqual([
      expect.stringMatching(/relay outcome .*published/),
      expect.stringMatching(/received into the inbox/),
      expect.stringMatching(/handler "flaky" dead after 2 of 2 attempts: .*flaky handler failed/),
    ]);

    const unrouted = await client.json<JourneyBody>(`api/messages/${ids.unrouted}`);
    expect(unrouted.outbox).toMatchObject({ state: 'dead', attempts: 2 });
    expect((await client.get('api/messages/not-a-known-id')).status).toBe(404);
  });

  it('purges only with an explicit confirmation', async () => {
    const refused = await client.post('api/outbox/dead/purge', { ids: [ids.unrouted] });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(/"confirm": "purge"/);
    expect(
      (await client.json<PageBody<unknown>>(`api/outbox/dead?destination=${fixture.unrouted}`)).items,
    ).toHaveLength(1);
  });

  it('replays each through the API to done or delivered, exactly once', async () => {
    // The causes fixed: a queue bound to the unrouted destination, the handlers fixed.
    const bound = `${fixture.unrouted}_bound`;
    await channel.assertQueue(bound, { durable: false });
    await channel.bindQueue(bound, fixture.unrouted, '#');
    fixture.state.inboxFixed = true;
    fixture.state.consumerFixed = true;

    expect(await client.postJson('api/outbox/dead/requeue', { ids: [ids.unrouted] })).toEqual({
      requeued: 1,
      ids: [ids.unrouted],
    });
    expect(
      await client.postJson('api/inbox/dead/replay', {
        runs: [{ messageId: ids.inbox, handlerKey: 'flaky' }],
      }),
    ).toEqual({
      replayed: 1,
      runs: [{ messageId: ids.inbox, handlerKey: 'flaky' }],
    });
    expect(
      await client.postJson('api/consumer/dead/requeue', { queue: fixture.queue, messageIds: [ids.job] }),
    ).toEqual({
      requeued: 1,
      messageIds: [ids.job],
    });

    await waitFor(
      () => fixture.state.inboxDone.length > 0 && fixture.state.consumed.length > 0,
      'the replays to run',
    );
    const delivered = await waitFor(async () => {
      const got = await channel.get(bound, { noAck: true });
      return got || undefined;
    }, 'the requeued outbox message on the bound queue');
    expect(delivered.properties.messageId).toBe(ids.unrouted);
    await waitFor(
      async () => (await client.json<JourneyBody>(`api/messages/${ids.unrouted}`)).outbox === null,
      'the row to leave the outbox',
    );

    expect(fixture.state.inboxDone).toEqual([ids.inbox]);
    expect(fixture.state.consumed).toEqual([{ messageId: ids.job, attempt: 1 }]);
    // The run's `done` is stored by its settle, after the handler returned.
    const journey = await waitFor(async () => {
      const body = await client.json<JourneyBody>(`api/messages/${ids.inbox}`);
      const settled = body.inbox?.handlers.every((h) => h.status !== 'pending' && h.status !== 'progress');
      return settled ? body : undefined;
    }, 'the replayed run to be settled');
    expect(journey.inbox?.handlers).toEqual([
      expect.objectContaining({ handlerKey: 'flaky', status: 'done', attempts: 1 }),
    ]);

    const overview = await client.json<OverviewBody>('api/overview');
    expect(inboxDeadOf(overview, 'flaky')).toBe(0);
    expect(queueOf(overview, fixture.queue)?.deadDepth).toBe(0);
    expect((await channel.get(bound, { noAck: true })) === false).toBe(true); // published once
  });

  it('purges all that match a filter, with the confirmation, and nothing else', async () => {
    fixture.state.inboxFixed = false;
    fixture.state.consumerFixed = false;
    const lost = `${fixture.unrouted}_again`;
    const outbox = fixture.app.get(OutboxService);
    const dataSource = fixture.app.get<DataSource>(getDataSourceToken());
    await dataSource.transaction((m) =>
      outbox.publish(
        m,
        { destination: lost, type: 'nobody_listens', payload: {} },
        { destination: fixture.eventType, type: 'thing_happened', payload: { note: 'second' } },
      ),
    );
    await sendConfirmed(channel, fixture.queue, Buffer.from('{}'), { messageId: 'job-0002' });
    await waitFor(async () => {
      const o = await client.json<OverviewBody>('api/overview');
      const dead = outboxDeadOf(o, lost) === 1 && inboxDeadOf(o, 'flaky') === 1;
      return dead && queueOf(o, fixture.queue)?.deadDepth === 1;
    }, 'new dead entries of each kind');

    const purge = (path: string, body: object) => client.postJson(path, { ...body, confirm: 'purge' });
    expect(await purge('api/outbox/dead/purge', { all: true, filter: { destination: lost } })).toEqual({
      purged: 1,
    });
    expect(await purge('api/inbox/dead/purge', { all: true, filter: { handlerKey: 'flaky' } })).toEqual({
      purged: 1,
    });
    expect(await purge('api/consumer/dead/purge', { queue: fixture.queue, all: true })).toEqual({
      purged: 1,
    });

    const after = await client.json<OverviewBody>('api/overview');
    expect(outboxDeadOf(after, lost)).toBeUndefined();
    expect(inboxDeadOf(after, 'flaky')).toBe(0);
    expect(queueOf(after, fixture.queue)?.deadDepth).toBe(0);
    await channel.deleteExchange(lost).catch(() => undefined);
  });

  it('logs every action with what, to what and by whom', () => {
    const actions = logLines.filter((l) => l.startsWith('CourierConsole: '));
    expect(actions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`requeue dead outbox messages: 1 of 1 selected \\[${ids.unrouted}\\] by "token"`),
        ),
        expect.stringMatching(
          new RegExp(`replay dead inbox handler runs: 1 of 1 selected \\[${ids.inbox}/flaky\\] by "token"`),
        ),
        expect.stringMatching(
          new RegExp(
            `requeue dead letters of queue "${fixture.queue}": 1 of 1 selected \\[${ids.job}\\] by "token"`,
          ),
        ),
        expect.stringMatching(
          /purge dead outbox messages: 1 matching \{"destination":".*_again"\} by "token"/,
        ),
      ]),
    );
  });
});
