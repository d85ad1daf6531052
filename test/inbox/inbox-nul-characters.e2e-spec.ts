import { Injectable, Logger, type INestApplicationContext } from '@nestjs/common';
import { connect, type ConsumeMessage } from 'amqplib';
import type { Client } from 'pg';
import { INBOX_FEED, type InboxFeed, type IncomingMessage } from '@courier-nest/core';
import { InboxHandler, type InboxMessage } from '@courier-nest/inbox';
import { DEAD_LETTER_REASON_HEADER, RabbitMQInboxBridge } from '@courier-nest/rabbitmq';
import { InboxStoreBatcher } from '@courier-nest/rabbitmq/inbox/inbox-store.batcher';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, uniqueName } from '../harness/env';
import { createInboxApp } from '../harness/inbox-app';
import { waitFor } from '../harness/wait-for';

const eventType = uniqueName('h_fix_nul_events');
const handled: string[] = [];

@Injectable()
class RecordingHandlers {
  @InboxHandler(eventType, 'record')
  record(message: InboxMessage) {
    handled.push(message.id);
  }
}

/** PostgreSQL's text and jsonb cannot hold U+0000: such a message is dead-lettered at once, the rest stored. */
describe('Inbox: messages with a NUL character', () => {
  const schema = uniqueName('h_fix_inbox_nul');
  const service = uniqueName('h_fix_nul_service');
  const queue = `${service}.${eventType}`;
  let app: INestApplicationContext;
  let db: Client;

  const storedIds = async (): Promise<string[]> =>
    (await db.query(`SELECT id FROM "${schema}".inbox_messages ORDER BY id`)).rows.map((r) => r.id as string);

  beforeAll(async () => {
    db = await openDatabase();
    app = await createInboxApp({
      inbox: { schema, serviceName: service, dispatcher: { pollIntervalMs: 100 } },
      handlers: [RecordingHandlers],
      rabbitmq: { inbox: { prefetch: 50, storeRetryDelayMs: 200 } },
    });
    await waitFor(() => app.get(RabbitMQInboxBridge).consumers().attached === 1, 'the inbox consumer');
  });

  afterAll(async () => {
    await app?.close();
    const connection = await connect(AMQP_URL);
    const channel = await connection.createChannel();
    for (const q of [queue, `${queue}.dead`]) await channel.deleteQueue(q).catch(() => undefined);
    await channel.deleteExchange(eventType).catch(() => undefined);
    await channel.deleteExchange(`${service}.dead-letter`).catch(() => undefined);
    await connection.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('dead-letters a delivery with a NUL in a header or a payload string, with a reason naming it, and stores the others', async () => {
    const connection = await connect(AMQP_URL);
    try {
      const channel = await connection.createConfirmChannel();
      const ids = {
        header: uniqueName('bad_header'),
        payload: uniqueName('bad_payload'),
        key: uniqueName('bad_key'),
        good: [uniqueName('good'), uniqueName('good'), uniqueName('good')],
      };
      const sends: Array<[string, string, Record<string, string>]> = [
        [ids.good[0], '{"n":1}', {}],
        [ids.header, '{"n":2}', { tenant: 'acme\u0000' }],
        [ids.good[1], '{"n":3}', {}],
        // Valid JSON: the escape parses to U+0000, which jsonb and text refuse.
        [ids.payload, '{"customer":{"name":"a\\u0000b"}}', {}],
        [ids.key, '{"a\\u0000":1}', {}],
        [ids.good[2], '{"n":4}', {}],
      ];
      // Published back to back: the consumer takes them in the same burst, stored in one batch or few.
      await Promise.all(
        sends.map(
          ([messageId, body, headers]) =>
            new Promise<void>((resolve, reject) =>
              channel.publish(eventType, 'thing', Buffer.from(body), { messageId, headers }, (e: unknown) =>
                e ? reject(e) : resolve(),
              ),
            ),
        ),
      );

      const dead: ConsumeMessage[] = [];
      await channel.consume(`${queue}.dead`, (m) => m && dead.push(m), { noAck: true });
      await waitFor(() => dead.length === 3, 'three dead letters');
      await waitFor(() => ids.good.every((id) => handled.includes(id)), 'the good messages handled');

      const reasons = Object.fromEntries(
        dead.map((m) => [m.properties.messageId, String(m.properties.headers?.[DEAD_LETTER_REASON_HEADER])]),
      );
      expect(reasons).toEqual({
        [ids.header]: expect.stringMatching(
          /^rejected: header "tenant" contains a NUL character \(U\+0000\)/,
        ),
        [ids.payload]: expect.stringMatching(
          /^rejected: payload\.customer\.name contains a NUL character \(U\+0000\)/,
        ),
        [ids.key]: expect.stringMatching(
          /^rejected: payload\["a\\u0000"\] contains a NUL character \(U\+0000\)/,
        ),
      });
      expect(await storedIds()).toEqual([...ids.good].sort());
      await waitFor(
        async () => (await channel.checkQueue(queue)).messageCount === 0,
        'every delivery settled, none given back',
      );
      expect(dead).toHaveLength(3); // dead-lettered once each: no retry loop
    } finally {
      await connection.close();
    }
  });

  it("stores the rest of a batch the inbox refuses for one message's content, and rejects that one alone", async () => {
    // Past the transport's own checks (another transport, or one that checks less): the inbox's
    // check refuses the whole INSERT; the batcher finds the message and stores the others.
    const batcher = new InboxStoreBatcher(
      app.get<InboxFeed>(INBOX_FEED),
      { retryDelayMs: 100, minBatchBesideARunningStore: 1 },
      new Logger('h-fix-test'),
    );
    const message = (id: string, payload: unknown): IncomingMessage => ({ id, eventType, payload });
    const good = [uniqueName('batch_good'), uniqueName('batch_good'), uniqueName('batch_good')];
    const bad = uniqueName('batch_bad');
    const outcomes = await Promise.all([
      batcher.store(message(good[0], { n: 1 })),
      batcher.store(message(bad, { note: 'x\u0000' })),
      batcher.store(message(good[1], { n: 2 })),
      batcher.store(message(good[2], { n: 3 })),
    ]);

    expect(outcomes.map((o) => o.kind)).toEqual(['ack', 'reject', 'ack', 'ack']);
    expect(outcomes[1]).toMatchObject({
      reason: expect.stringMatching(/payload\.note contains a NUL character/),
    });
    const stored = await storedIds();
    expect(stored).toEqual(expect.arrayContaining(good));
    expect(stored).not.toContain(bad);
  });
});
