import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { InboxHandler, InboxService, type InboxMessage } from '@courier-nest/inbox';
import { WAITING_RUNS_PER_SLOT } from '@courier-nest/core/internal';
import { InboxStore } from '@courier-nest/inbox/inbox.store';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createInboxApp } from '../harness/inbox-app';
import { waitFor } from '../harness/wait-for';

const CONCURRENCY = 2;
const TIMEOUT_MS = 5_000;
const LEASE_MS = 1_500;

/** Runs wait on `gate` while it is set; the suite counts how many run at once. */
let gate: Promise<void> | undefined;
let running = 0;
let mostAtOnce = 0;
const ran: string[] = [];

@Injectable()
class GatedHandlers {
  @InboxHandler('gated_events', 'gated')
  async handle(message: InboxMessage): Promise<void> {
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    try {
      await gate;
      ran.push(message.id);
    } finally {
      running--;
    }
  }
}

/** Another process's handler, of an event type the suite's own app does not take. */
@Injectable()
class ShutdownHandlers {
  @InboxHandler('shutdown_events', 'gated')
  handle(message: InboxMessage): Promise<void> {
    return new GatedHandlers().handle(message);
  }
}

/**
 * A message received outside any transaction is stored with its handler rows already
 * claimed by the receiving process (InboxService.receiveMany, InboxDispatcher.reserve):
 * its handlers start without a claim query, within `concurrency`, under a lease the
 * dispatcher renews while they wait for a slot.
 */
describe('Inbox: handler runs claimed as the message is stored', () => {
  const schema = uniqueName('inbox_claim_on_receive');
  let app: INestApplicationContext;
  let db: Client;
  let inbox: InboxService;
  const claimedByQuery: string[] = [];

  const statesOf = async (ids: string[]) =>
    (
      await db.query(
        `SELECT message_id, status, attempts, lease_owner, lease_token::text AS lease_token,
                extract(epoch FROM available_at - now()) * 1000 AS lease_left_ms
           FROM "${schema}".inbox_handler_states WHERE message_id = ANY($1) ORDER BY message_id`,
        [ids],
      )
    ).rows;
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => uniqueName(`${prefix}${i}`));
  const message = (id: string) => ({ id, eventType: 'gated_events', payload: { id } });

  beforeAll(async () => {
    db = await openDatabase();
    app = await createInboxApp({
      inbox: {
        schema,
        handlerTimeoutMs: TIMEOUT_MS,
        dispatcher: { concurrency: CONCURRENCY, pollIntervalMs: 50, leaseMs: LEASE_MS },
      },
      handlers: [GatedHandlers],
      rabbitmq: false,
    });
    inbox = app.get(InboxService);
    // What the dispatcher's claim query hands out: rows stored claimed never pass through it.
    const store = app.get(InboxStore);
    const claim = store.claim.bind(store);
    jest.spyOn(store, 'claim').mockImplementation(async (...args) => {
      const claimed = await claim(...args);
      claimedByQuery.push(...claimed.map((work) => work.messageId));
      return claimed;
    });
  });

  afterAll(async () => {
    await app?.close();
    await dropSchema(db, schema);
    await db.end();
  });

  beforeEach(() => {
    gate = undefined;
    mostAtOnce = 0;
    ran.splice(0);
    claimedByQuery.splice(0);
  });

  it('stores the runs claimed, renews their leases while they wait, and starts them within concurrency', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const batch = ids('wait', WAITING_RUNS_PER_SLOT * CONCURRENCY);
    await inbox.receiveMany(batch.map(message));

    // Stored as attempt 1 of this process, not pending: two run, the others wait for a slot.
    const states = await statesOf(batch);
    expect(states.map((s) => [s.status, s.attempts])).toEqual(batch.map(() => ['progress', 1]));
    expect(new Set(states.map((s) => s.lease_owner)).size).toBe(1);
    expect(states[0].lease_owner).not.toBeNull();
    // Leased for one lease, however long the wait for a slot: the dispatcher renews it.
    for (const state of states) {
      expect(Number(state.lease_left_ms)).toBeGreaterThan(0);
      expect(Number(state.lease_left_ms)).toBeLessThanOrEqual(LEASE_MS);
    }
    await waitFor(() => running === CONCURRENCY, 'two runs in progress');
    // Past a whole lease the waiting runs are still this process's, their leases renewed.
    const storedAt = Date.now();
    await waitFor(
      async () => Date.now() - storedAt > LEASE_MS * 1.5 && (await statesOf(batch)),
      'a lease and a half',
    );
    const later = await statesOf(batch);
    expect(later.map((s) => [s.status, s.lease_owner])).toEqual(
      batch.map(() => ['progress', states[0].lease_owner]),
    );
    for (const state of later) expect(Number(state.lease_left_ms)).toBeGreaterThan(0);

    open();
    await waitFor(async () => (await statesOf(batch)).every((s) => s.status === 'done'), 'all done');
    expect(ran.sort()).toEqual([...batch].sort());
    expect(mostAtOnce).toBe(CONCURRENCY);
    expect(claimedByQuery).toEqual([]);
  });

  it("claims nothing when storing in the caller's transaction: the runs wait for its commit", async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const id = uniqueName('caller');
    const dataSource = app.get<DataSource>(getDataSourceToken());
    await dataSource.transaction(async (manager) => {
      await inbox.receive(message(id), manager);
      expect(await statesOf([id])).toEqual([]); // not visible outside, not run
    });
    await waitFor(() => running === 1, 'the run after commit');
    open();
    await waitFor(async () => (await statesOf([id]))[0].status === 'done', 'the run');
    expect(claimedByQuery).toEqual([id]);
    expect(ran).toEqual([id]);
  });

  it('still records the result of a run whose row a table rewrite moved (found by key instead)', async () => {
    // A run recorded first leaves a dead row version in front of the next row.
    const before = uniqueName('recorded');
    await inbox.receive(message(before));
    await waitFor(async () => (await statesOf([before]))[0].status === 'done', 'the first run recorded');
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const id = uniqueName('moved');
    await inbox.receive(message(id));
    await waitFor(() => running === 1, 'the run');
    const rowIdOf = async () =>
      (
        await db.query(
          `SELECT ctid::text AS row_id FROM "${schema}".inbox_handler_states WHERE message_id = $1`,
          [id],
        )
      ).rows[0].row_id as string;
    const rowIdBefore = await rowIdOf();
    await db.query(`VACUUM FULL "${schema}".inbox_handler_states`); // compacts the dead versions away
    expect(await rowIdOf()).not.toBe(rowIdBefore);

    open();
    await waitFor(async () => (await statesOf([id]))[0].status === 'done', 'its result recorded');
    expect(ran).toEqual([before, id]);
    expect(claimedByQuery).toEqual([]);
  });

  it('stores pending what exceeds the room for waiting runs, and the claim query takes it later', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    // Room for WAITING_RUNS_PER_SLOT x concurrency runs stored claimed (running or
    // waiting), all under the one token of the store's reservation; the rest are stored
    // pending, and the claim query may take them as soon as they are committed (under a
    // token of its own) if it finds a slot free before the stored runs take theirs.
    const room = WAITING_RUNS_PER_SLOT * CONCURRENCY;
    const batch = ids('over', room + 2);
    await inbox.receiveMany(batch.map(message));
    const byToken = new Map<string, string[]>();
    for (const state of await statesOf(batch)) {
      if (state.lease_token === null) continue;
      byToken.set(state.lease_token, [...(byToken.get(state.lease_token) ?? []), state.message_id]);
    }
    const reserved = [...byToken.values()].find((group) => group.length === room) ?? [];
    expect(reserved).toHaveLength(room);
    const storedPending = batch.filter((id) => !reserved.includes(id));
    expect(storedPending).toHaveLength(2);

    open();
    await waitFor(async () => (await statesOf(batch)).every((s) => s.status === 'done'), 'all done');
    expect(ran.sort()).toEqual([...batch].sort());
    expect(claimedByQuery.sort()).toEqual(storedPending.sort());
    expect(mostAtOnce).toBe(CONCURRENCY);
  });
  it('does not start a waiting run whose claim a timed-out shutdown gave back', async () => {
    // Its own process: one slot, and a shutdown that waits 100 ms for the running handler.
    const other = await createInboxApp({
      inbox: {
        schema,
        handlerTimeoutMs: TIMEOUT_MS,
        dispatcher: { concurrency: 1, shutdownTimeoutMs: 100, pollIntervalMs: 50, leaseMs: LEASE_MS },
      },
      handlers: [ShutdownHandlers],
      rabbitmq: false,
    });
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const [runs, waits] = ids('shutdown', 2);
    await other
      .get(InboxService)
      .receiveMany([runs, waits].map((id) => ({ id, eventType: 'shutdown_events', payload: { id } })));
    await waitFor(() => running === 1, 'the first run');

    await other.close(); // the running handler outlives the 100 ms: claims given back
    open();
    await waitFor(() => running === 0, 'the blocked handler to return');
    await new Promise((resolve) => setImmediate(resolve)); // a started run would have begun by now
    expect(ran).toEqual([runs]); // it returned, but its result could no longer be recorded
    // Both given back for another process with this handler (ids sort as shutdown0_…, shutdown1_…).
    expect((await statesOf([runs, waits])).map((s) => [s.message_id, s.status, s.attempts])).toEqual([
      [runs, 'pending', 0],
      [waits, 'pending', 0],
    ]);
  });
});
