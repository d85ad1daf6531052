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

/**
 * Live leases on the relay side: a dead relay's rows, claimed by a query or written
 * claimed, are published within seconds of a restart; a batch a live relay is slow to
 * publish is never taken from it.
 */
describe('Outbox leases: recovery in seconds, slow batches kept', () => {
  const schema = uniqueName('outbox_leases');
  const destination = uniqueName('lease_events');
  let writer: INestApplicationContext;
  let db: Client;
  let broker: BrokerProbe;
  let received: ReceivedMessages;
  const relays: RelayProcess[] = [];

  const write = async (count: number): Promise<string[]> => {
    const messages = Array.from({ length: count }, (_, n) => ({ destination, type: 'work', payload: { n } }));
    const dataSource = writer.get<DataSource>(getDataSourceToken());
    return dataSource.transaction((manager) => writer.get(OutboxService).publish(manager, ...messages));
  };
  const startRelay = async (config: Record<string, unknown> = {}) => {
    const relay = await RelayProcess.start({ schema, ...config });
    relays.push(relay);
    return relay;
  };

  beforeAll(async () => {
    db = await openDatabase();
    broker = await BrokerProbe.open();
    received = await broker.bindQueue(destination);
    // This process only writes; the relays under test run elsewhere.
    writer = await createOutboxApp({ outbox: { schema, relay: { enabled: false } } });
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await db.query(`DELETE FROM "${schema}".outbox_messages`);
    received.messages.splice(0);
  });

  afterAll(async () => {
    await writer?.close();
    await broker.deleteExchange(destination);
    await broker.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('SIGKILLed holding rows claimed by a query and rows written claimed: a restart publishes all within 10 s', async () => {
    const queued = await write(50);
    const victim = await startRelay({ gated: true, batchSize: 100 });
    expect((await victim.next('claimed')).ids!.sort()).toEqual([...queued].sort());
    // Its own transaction writes rows claimed by its relay, which holds them at the gate too.
    victim.child.send({ type: 'write', destination, count: 20 });
    const written = (await victim.next('written')).ids!;
    expect((await victim.next('claimed')).ids!.sort()).toEqual([...written].sort());
    await victim.kill();

    const heir = await startRelay();
    const readyAt = Date.now();
    const all = [...queued, ...written];
    const doneAt = await waitFor(
      async () =>
        (await countRows(db, schema)) === 0 && new Set(received.ids()).size === all.length ? Date.now() : 0,
      'the heir to publish every row',
      { timeoutMs: 30_000 },
    );
    console.log(`outbox: 70 rows of a SIGKILLed relay published ${doneAt - readyAt} ms after the restart`);
    expect(doneAt - readyAt).toBeLessThanOrEqual(10_000);
    expect([...new Set(received.ids())].sort()).toEqual([...all].sort());
    expect(heir.messages.filter((m) => m.type === 'batch').every((m) => m.fenced === 0)).toBe(true);
  }, 120_000);

  it('keeps a batch a live relay holds for several leases away from another live relay', async () => {
    const ids = await write(30);
    const slow = await startRelay({ gated: true, leaseMs: 1_000, batchSize: 100 });
    const claim = await slow.next('claimed');
    expect(claim.ids).toHaveLength(30);
    const other = await startRelay({ leaseMs: 1_000, batchSize: 100 });
    // Four leases pass while the slow relay holds the batch; its renewals keep the rows its own.
    await waitFor(() => Date.now() - claim.receivedAt > 4_000, 'four leases to pass', { timeoutMs: 10_000 });
    expect(other.messages.filter((m) => m.type === 'claimed')).toEqual([]);
    expect(
      (
        await db.query(
          `SELECT count(*)::int AS n FROM "${schema}".outbox_messages WHERE available_at > now()`,
        )
      ).rows[0].n,
    ).toBe(30);

    slow.go();
    expect(await slow.next('batch')).toMatchObject({ published: 30, fenced: 0 });
    await waitFor(async () => (await countRows(db, schema)) === 0, 'the outbox to be empty');
    await waitFor(() => received.messages.length === 30, 'the batch to arrive');
    expect(received.ids().sort()).toEqual([...ids].sort());
  }, 60_000);
});
