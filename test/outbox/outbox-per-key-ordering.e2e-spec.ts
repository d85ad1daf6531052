import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { OutboxService } from '@courier-nest/outbox';
import { BrokerProbe, type ReceivedMessages } from '../harness/broker';
import { countRows, dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createOutboxApp } from '../harness/outbox-app';
import { RelayProcess } from '../harness/relay-process';
import { waitFor } from '../harness/wait-for';

const KEYS = 10;
const PER_KEY = 30;
const FLAKY = { key: 'k3', seq: 15 };

describe('Outbox per-key ordering with three relay processes', () => {
  const schema = uniqueName('outbox_per_key');
  const destination = uniqueName('ordered_events');
  let writer: INestApplicationContext;
  let db: Client;
  let broker: BrokerProbe;
  let received: ReceivedMessages;
  const relays: RelayProcess[] = [];

  beforeAll(async () => {
    db = await openDatabase();
    broker = await BrokerProbe.open();
    // Only `ordered` is bound at first: the flaky message (type `ordered_flaky`) is
    // returned as unroutable until the suite binds its type too.
    received = await broker.bindQueue(destination, 'ordered');
    writer = await createOutboxApp({ outbox: { schema, ordering: 'per-key', relay: { enabled: false } } });
  });

  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await writer?.close();
    await broker.deleteExchange(destination);
    await broker.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('publishes each key in write order, holding a key back while its failed message is retried', async () => {
    const outbox = writer.get(OutboxService);
    const dataSource = writer.get<DataSource>(getDataSourceToken());
    relays.push(
      ...(await Promise.all(
        [1, 2, 3].map(() =>
          RelayProcess.start({ schema, ordering: 'per-key', batchSize: 50, concurrency: 2 }),
        ),
      )),
    );

    // One writer per key, all at once: each commits its key's messages one transaction at a
    // time (so the key's order is defined), while the keys interleave in the table.
    let flakyId = '';
    await Promise.all(
      Array.from({ length: KEYS }, async (_, k) => {
        const key = `k${k}`;
        for (let seq = 0; seq < PER_KEY; seq++) {
          const flaky = key === FLAKY.key && seq === FLAKY.seq;
          const [id] = await dataSource.transaction((m) =>
            outbox.publish(m, {
              destination,
              type: flaky ? 'ordered_flaky' : 'ordered',
              key,
              payload: { key, seq },
            }),
          );
          if (flaky) flakyId = id;
        }
      }),
    );

    await waitFor(async () => {
      const { rows } = await db.query(`SELECT attempts FROM "${schema}".outbox_messages WHERE id = $1`, [
        flakyId,
      ]);
      return rows[0]?.attempts >= 2;
    }, 'the flaky message to fail twice');
    // While it is retried, nothing after it on its key may pass.
    const k3Seen = received
      .bodies<{ key: string; seq: number }>()
      .filter((b) => b.key === FLAKY.key)
      .map((b) => b.seq);
    expect(Math.max(-1, ...k3Seen)).toBeLessThan(FLAKY.seq);

    await broker.channel.bindQueue(received.queue, destination, 'ordered_flaky');
    await waitFor(async () => (await countRows(db, schema)) === 0, 'the outbox to drain', {
      timeoutMs: 60_000,
    });
    await waitFor(() => new Set(received.ids()).size === KEYS * PER_KEY, 'every message');

    const firstSeen = new Map<string, number[]>();
    const seenIds = new Set<string>();
    received.messages.forEach((message, i) => {
      const id = String(message.properties.messageId);
      if (seenIds.has(id)) return;
      seenIds.add(id);
      const { key, seq } = received.bodies<{ key: string; seq: number }>()[i];
      firstSeen.set(key, [...(firstSeen.get(key) ?? []), seq]);
    });
    const inOrder = Array.from({ length: PER_KEY }, (_, seq) => seq);
    for (let k = 0; k < KEYS; k++) expect(firstSeen.get(`k${k}`)).toEqual(inOrder);
  }, 120_000);
});
