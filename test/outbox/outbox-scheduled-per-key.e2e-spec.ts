import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { OutboxService, type OutgoingMessage } from '@courier-nest/outbox';
import { BrokerProbe, type ReceivedMessages } from '../harness/broker';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createOutboxApp } from '../harness/outbox-app';
import { waitFor } from '../harness/wait-for';

/**
 * Scheduled messages with `ordering: 'per-key'`: until its time a scheduled message holds
 * nothing back; when it comes due it joins its key's order as if written then, after the
 * key's messages written before that and before those written after.
 */
describe('Outbox scheduled delivery with per-key ordering', () => {
  const schema = uniqueName('outbox_scheduled_key');
  const destination = uniqueName('scheduled_keyed');
  let app: INestApplicationContext;
  let db: Client;
  let broker: BrokerProbe;
  let received: ReceivedMessages;
  let outbox: OutboxService;

  /** One transaction per call, as separate requests of an application would write them. */
  const publish = async (message: Partial<OutgoingMessage>) => {
    const [id] = await app
      .get<DataSource>(getDataSourceToken())
      .transaction((manager) =>
        outbox.publish(manager, { destination, type: 'ordered', payload: { key: message.key }, ...message }),
      );
    return id;
  };
  /** Ids in the order they first reached the broker. */
  const firstSeen = () => [...new Set(received.ids())];

  beforeAll(async () => {
    db = await openDatabase();
    broker = await BrokerProbe.open();
    // `ordered_stuck` is unroutable (returned, retried) until the suite binds it too.
    received = await broker.bindQueue(destination, 'ordered');
    app = await createOutboxApp({
      outbox: {
        schema,
        ordering: 'per-key',
        relay: {
          pollIntervalMs: 200,
          maxAttempts: 1_000,
          backoff: { initialDelayMs: 50, maxDelayMs: 200, jitter: 0 },
        },
      },
    });
    outbox = app.get(OutboxService);
  });

  afterAll(async () => {
    await app?.close();
    await broker.deleteExchange(destination);
    await broker.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('holds nothing back before its time: a later message of its key is published at once', async () => {
    const later = await publish({ key: 'j', delayMs: 60_000 });
    const now = await publish({ key: 'j' });

    await waitFor(() => received.ids().includes(now), 'the message written after the scheduled one');
    expect(received.ids()).not.toContain(later);
    expect((await outbox.findMessage(later))?.state).toBe('scheduled');
  });

  it('joins its key at its time: after the messages written before it came due, before those written after', async () => {
    const stuck = await publish({ key: 'k', type: 'ordered_stuck' });
    const scheduled = await publish({ key: 'k', delayMs: 500 });
    const beforeItsTime = await publish({ key: 'k' });

    // Due: moved into the outbox behind the key's waiting messages (the stuck one fails meanwhile).
    await waitFor(
      async () => (await outbox.findMessage(scheduled))?.state === 'pending',
      'the scheduled message to come due and join the outbox',
    );
    const afterItsTime = await publish({ key: 'k' });
    await waitFor(
      async () => ((await outbox.findMessage(stuck))?.attempts ?? 0) >= 3,
      'the first message of the key to fail three times',
    );
    expect(received.ids().filter((id) => [scheduled, beforeItsTime, afterItsTime].includes(id))).toEqual([]);

    await broker.channel.bindQueue(received.queue, destination, 'ordered_stuck');
    await waitFor(() => firstSeen().includes(afterItsTime), 'the last message of the key');
    expect(firstSeen().filter((id) => [stuck, scheduled, beforeItsTime, afterItsTime].includes(id))).toEqual([
      stuck,
      beforeItsTime,
      scheduled,
      afterItsTime,
    ]);
  });

  it('publishes scheduled messages of one key in the order they come due, not the order written', async () => {
    const second = await publish({ key: 'm', delayMs: 900 });
    const first = await publish({ key: 'm', delayMs: 300 });

    await waitFor(() => firstSeen().includes(second), 'both scheduled messages');
    expect(firstSeen().filter((id) => id === first || id === second)).toEqual([first, second]);
  });
});
