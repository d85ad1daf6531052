import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { OutboxRelay, OutboxService } from '@courier-nest/outbox';
import { OutboxStore } from '@courier-nest/outbox/outbox.store';
import { BrokerProbe, type ReceivedMessages } from '../harness/broker';
import { countRows, dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createOutboxApp } from '../harness/outbox-app';
import { waitFor } from '../harness/wait-for';

const LEASE_MS = 1_000;

/**
 * A message published while this process's relay runs is written already claimed by
 * it (unordered order, nothing scheduled): the relay publishes it when its transaction
 * commits, with no claim query. Rolled back, in a savepoint TypeORM rolled back, or after
 * a raw savepoint rollback, nothing that is not in the table is ever published.
 */
describe('Outbox: rows claimed as they are written', () => {
  const schema = uniqueName('outbox_written');
  const destination = uniqueName('written');
  let app: INestApplicationContext;
  let db: Client;
  let broker: BrokerProbe;
  let received: ReceivedMessages;
  let outbox: OutboxService;
  let relay: OutboxRelay;
  let dataSource: DataSource;
  /** Ids a claim query took (the relay also claims, finding nothing, when it starts and wakes). */
  const claimedByQuery: string[] = [];

  const message = (n: number) => ({ destination, type: 'written', payload: { n } });
  const leaseOf = async (manager: EntityManager, id: string) =>
    (await manager.query(`SELECT lease_owner FROM "${schema}".outbox_messages WHERE id = $1`, [id]))[0];
  /** Publishes a marker in its own transaction and waits for it: what was due before it has arrived too. */
  const settle = async () => {
    const [marker] = await dataSource.transaction((manager) => outbox.publish(manager, message(-1)));
    await waitFor(() => received.ids().includes(marker), 'the marker message');
    return marker;
  };

  beforeAll(async () => {
    db = await openDatabase();
    broker = await BrokerProbe.open();
    received = await broker.bindQueue(destination);
    app = await createOutboxApp({
      outbox: {
        schema,
        requireTransaction: false,
        relay: { pollIntervalMs: 60_000, leaseMs: LEASE_MS, processorId: 'written-relay' },
      },
    });
    outbox = app.get(OutboxService);
    relay = app.get(OutboxRelay);
    dataSource = app.get<DataSource>(getDataSourceToken());
    const store = app.get(OutboxStore);
    const claim = store.claim.bind(store);
    jest.spyOn(store, 'claim').mockImplementation(async (...args) => {
      const rows = await claim(...args);
      claimedByQuery.push(...rows.map((row) => row.id));
      return rows;
    });
    await waitFor(() => relay.isPublisherReady(), 'the publisher to be ready');
  });

  afterAll(async () => {
    await app?.close();
    await broker.deleteExchange(destination);
    await broker.close();
    await dropSchema(db, schema);
    await db.end();
  });

  beforeEach(() => {
    received.messages.splice(0);
    claimedByQuery.splice(0);
  });

  it('writes the row leased to the local relay and publishes it at commit without a claim query', async () => {
    const [id] = await dataSource.transaction(async (manager) => {
      const ids = await outbox.publish(manager, message(1));
      expect(await leaseOf(manager, ids[0])).toEqual({ lease_owner: 'written-relay' });
      return ids;
    });
    await waitFor(() => received.ids().includes(id), 'the message');
    await waitFor(async () => (await countRows(db, schema)) === 0, 'the row to be deleted');
    expect(claimedByQuery).toEqual([]);
  });

  it('publishes a message written in autocommit the same way', async () => {
    const [id] = await outbox.publish(dataSource.manager, message(2));
    await waitFor(() => received.ids().includes(id), 'the message');
    expect(claimedByQuery).toEqual([]);
  });

  it('publishes nothing of a rolled-back transaction and gives the room back', async () => {
    let rolledBack = '';
    await expect(
      dataSource.transaction(async (manager) => {
        [rolledBack] = await outbox.publish(manager, message(3));
        throw new Error('declined');
      }),
    ).rejects.toThrow('declined');
    await settle();
    expect(received.ids()).not.toContain(rolledBack);
    // All the room is free again: a whole batch may be written claimed. The marker's own room
    // comes back when its batch is settled, which can be after the marker arrives.
    const freeRoom = () => {
      const reservation = relay.reserve(1_000);
      reservation?.cancel();
      return reservation?.rows;
    };
    await waitFor(() => freeRoom() === 1_000, 'the whole room to be free');
  });

  it('drops what was written in a TypeORM savepoint that rolled back, and publishes the rest', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    const [kept] = await outbox.publish(runner.manager, message(4));
    await runner.startTransaction(); // SAVEPOINT typeorm_1
    const [dropped] = await outbox.publish(runner.manager, message(5));
    await runner.rollbackTransaction();
    await runner.commitTransaction();
    await runner.release();
    await waitFor(() => received.ids().includes(kept), 'the message outside the savepoint');
    await settle();
    expect(received.ids()).not.toContain(dropped);
    expect(claimedByQuery).toEqual([]);
  });

  it('after a raw ROLLBACK TO SAVEPOINT publishes only the rows that exist, once their lease ran out', async () => {
    const [gone, kept] = await dataSource.transaction(async (manager) => {
      await manager.query('SAVEPOINT mine');
      const [inSavepoint] = await outbox.publish(manager, message(6));
      await manager.query('ROLLBACK TO SAVEPOINT mine');
      const [after] = await outbox.publish(manager, message(7));
      return [inSavepoint, after];
    });
    // Not trusted at commit: claimed by a query once the lease (1 s) ran out.
    relay.wake();
    await waitFor(
      async () => {
        relay.wake();
        return received.ids().includes(kept);
      },
      'the row that exists',
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(claimedByQuery).toEqual([kept]);
    await settle();
    expect(received.ids()).not.toContain(gone);
    // The marker's row leaves once its confirm is in, which can come after the delivery.
    await waitFor(async () => (await countRows(db, schema)) === 0, 'the outbox to be empty');
  });
});
