import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { Client } from 'pg';
import { InboxService } from '@courier-nest/inbox';
import { CRASH_EVENT, crashHandlers, LAST_CHANCE_EVENT } from '../fixtures/inbox-crash.handlers';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createInboxApp } from '../harness/inbox-app';
import { waitFor } from '../harness/wait-for';

interface Worker {
  child: ChildProcess;
  messages: Array<{ type: string; attempt?: number }>;
  exited: Promise<unknown>;
}

function startWorker(schema: string, hang: boolean): Promise<Worker> {
  const child = fork(
    join(__dirname, '../fixtures/inbox-worker.process.ts'),
    [JSON.stringify({ schema, hang })],
    {
      execArgv: ['-r', '@swc-node/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const worker: Worker = { child, messages: [], exited: new Promise((resolve) => child.on('exit', resolve)) };
  child.on('message', (message: { type: string }) => worker.messages.push(message));
  return waitFor(
    () => (worker.messages.some((m) => m.type === 'ready') ? worker : undefined),
    'the worker to start',
    {
      timeoutMs: 60_000,
    },
  );
}

describe('Inbox worker killed in the middle of a transactional handler', () => {
  const schema = uniqueName('inbox_crash');
  let writer: INestApplicationContext;
  let db: Client;
  const workers: Worker[] = [];

  beforeAll(async () => {
    db = await openDatabase();
    // Registers the same handler (so receive creates its state row) but runs nothing.
    writer = await createInboxApp({
      inbox: { schema, dispatcher: { enabled: false } },
      handlers: [crashHandlers(schema, false, () => undefined)],
      rabbitmq: false,
    });
    await db.query(`CREATE TABLE "${schema}".effects (message_id text NOT NULL, attempt int NOT NULL)`);
  });

  afterEach(async () => {
    // Each case starts with no worker around to take its message.
    for (const worker of workers.splice(0)) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
  });

  afterAll(async () => {
    await writer?.close();
    await dropSchema(db, schema);
    await db.end();
  });

  /** Starts a worker that does not hang and waits until it has finished message `id`. */
  const heirFinishes = async (id: string): Promise<Worker> => {
    const heir = await startWorker(schema, false);
    workers.push(heir);
    await waitFor(
      async () =>
        (await db.query(`SELECT status FROM "${schema}".inbox_handler_states WHERE message_id = $1`, [id]))
          .rows[0].status === 'done',
      'the heir to finish the work',
      { timeoutMs: 30_000 },
    );
    return heir;
  };

  it('takes the work again after the lease and applies its database effect exactly once', async () => {
    const id = uniqueName('crash');
    await writer.get(InboxService).receive({ id, eventType: CRASH_EVENT, payload: { n: 1 } });

    const victim = await startWorker(schema, true);
    workers.push(victim);
    await waitFor(() => victim.messages.some((m) => m.type === 'in-handler'), 'the handler to be running');
    victim.child.kill('SIGKILL');
    await victim.exited;

    // Its transaction died with it: no effect, the claim still stands until the lease ends.
    expect((await db.query(`SELECT count(*)::int AS n FROM "${schema}".effects`)).rows[0].n).toBe(0);
    const claimed = (
      await db.query(`SELECT status, attempts FROM "${schema}".inbox_handler_states WHERE message_id = $1`, [
        id,
      ])
    ).rows[0];
    expect(claimed).toEqual({ status: 'progress', attempts: 1 });

    const heir = await heirFinishes(id);
    const effects = (await db.query(`SELECT message_id, attempt FROM "${schema}".effects`)).rows;
    expect(effects).toEqual([{ message_id: id, attempt: 2 }]);
    expect(heir.messages.filter((m) => m.type === 'in-handler')).toEqual([
      { type: 'in-handler', attempt: 2 },
    ]);
  }, 90_000);

  it('takes again, after its lease, a run the dead worker claimed as it stored the message', async () => {
    const id = uniqueName('own');
    const victim = await startWorker(schema, true);
    workers.push(victim);
    victim.child.send({ type: 'receive', id });
    await waitFor(() => victim.messages.some((m) => m.type === 'in-handler'), 'the handler to be running');
    victim.child.kill('SIGKILL');
    await victim.exited;

    // Claimed by the receive itself: attempt 1, leased for the worker's lease (2 s),
    // renewed until the worker died.
    const { rows } = await db.query(
      `SELECT status, attempts, lease_owner IS NOT NULL AS leased,
              extract(epoch FROM available_at - received_at) * 1000 AS lease_ms
         FROM "${schema}".inbox_handler_states st JOIN "${schema}".inbox_messages m ON m.id = st.message_id
        WHERE message_id = $1`,
      [id],
    );
    expect(rows[0]).toMatchObject({ status: 'progress', attempts: 1, leased: true });
    expect(Number(rows[0].lease_ms)).toBeGreaterThan(0);

    await heirFinishes(id);
    const effects = (await db.query(`SELECT attempt FROM "${schema}".effects WHERE message_id = $1`, [id]))
      .rows;
    expect(effects).toEqual([{ attempt: 2 }]);
  }, 90_000);

  it('marks the handler dead, instead of running it again, when the crash used its last attempt', async () => {
    const id = uniqueName('last');
    await writer.get(InboxService).receive({ id, eventType: LAST_CHANCE_EVENT, payload: {} });
    const victim = await startWorker(schema, true);
    workers.push(victim);
    await waitFor(() => victim.messages.some((m) => m.type === 'in-handler'), 'the handler to be running');
    victim.child.kill('SIGKILL');
    await victim.exited;

    const heir = await startWorker(schema, false);
    workers.push(heir);
    const state = await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT status, attempts, last_error FROM "${schema}".inbox_handler_states WHERE message_id = $1`,
          [id],
        );
        return rows[0].status === 'dead' ? rows[0] : undefined;
      },
      'the exhausted run to be dead',
      { timeoutMs: 30_000 },
    );
    expect(state).toMatchObject({
      attempts: 1,
      last_error: expect.stringMatching(/lease expired on the last attempt/),
    });
    expect(
      (await db.query(`SELECT count(*)::int AS n FROM "${schema}".effects WHERE message_id = $1`, [id]))
        .rows[0].n,
    ).toBe(0);
    expect(heir.messages.some((m) => m.type === 'in-handler')).toBe(false);
  }, 90_000);
});
