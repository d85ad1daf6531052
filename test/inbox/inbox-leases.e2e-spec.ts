import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { Client } from 'pg';
import { InboxService } from '@courier-nest/inbox';
import { dropSchema, openDatabase } from '../harness/database';
import { uniqueName } from '../harness/env';
import { createInboxApp } from '../harness/inbox-app';
import { waitFor } from '../harness/wait-for';

const LEASE_EVENT = 'lease_events';

interface WorkerMessage {
  type: string;
  id?: string;
  attempt?: number;
  reason?: string;
}

/** An inbox worker process (test/fixtures/inbox-lease-worker.process.ts), observed over IPC. */
class LeaseWorker {
  readonly messages: WorkerMessage[] = [];
  readonly exited: Promise<unknown>;
  readyAt = 0;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') this.readyAt = Date.now();
      this.messages.push(message);
    });
    this.exited = new Promise((resolve) => child.on('exit', resolve));
  }

  static async start(config: Record<string, unknown>): Promise<LeaseWorker> {
    const child = fork(
      join(__dirname, '../fixtures/inbox-lease-worker.process.ts'),
      [JSON.stringify(config)],
      {
        execArgv: ['-r', '@swc-node/register'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const worker = new LeaseWorker(child);
    await waitFor(() => worker.readyAt > 0, 'the worker to start', { timeoutMs: 60_000 });
    return worker;
  }

  running(): string[] {
    return this.messages.filter((m) => m.type === 'in-handler').map((m) => m.id!);
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/**
 * Live leases on the inbox side: a dead process's work is taken within seconds, a
 * stalled one settles nothing another took, and a slow handler of a live process is
 * never taken from it. Each run writes an effect row in its handler's transaction,
 * which commits only with its done-mark: "each effect once" is one committed row.
 */
describe('Inbox leases: recovery in seconds, fencing, slow handlers kept', () => {
  const schema = uniqueName('inbox_leases');
  let writer: INestApplicationContext;
  let db: Client;
  const workers: LeaseWorker[] = [];
  const started = async (config: Record<string, unknown>) => {
    const worker = await LeaseWorker.start({ schema, ...config });
    workers.push(worker);
    return worker;
  };
  const ids = (n: number) => Array.from({ length: n }, () => randomUUID());
  const stateOf = async (messageIds: string[]) =>
    (
      await db.query(
        `SELECT message_id, status, attempts FROM "${schema}".inbox_handler_states WHERE message_id = ANY($1)`,
        [messageIds],
      )
    ).rows as Array<{ message_id: string; status: string; attempts: number }>;
  const effectsOf = async (messageIds: string[]) =>
    (
      await db.query(
        `SELECT message_id, attempt, pid FROM "${schema}".effects WHERE message_id = ANY($1) ORDER BY message_id`,
        [messageIds],
      )
    ).rows as Array<{ message_id: string; attempt: number; pid: number }>;

  beforeAll(async () => {
    db = await openDatabase();
    // Stores messages (their runs pending) and runs nothing: its dispatcher is off.
    writer = await createInboxApp({
      inbox: { schema, dispatcher: { enabled: false } },
      handlers: [],
      rabbitmq: false,
    });
    await writer
      .get(InboxService)
      .registerHandler({ eventType: LEASE_EVENT, handlerKey: 'apply', handle: () => undefined });
    await db.query(
      `CREATE TABLE "${schema}".effects (message_id text NOT NULL, attempt int NOT NULL, pid int NOT NULL)`,
    );
  });

  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.kill();
  });

  afterAll(async () => {
    await writer?.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('SIGKILLed while holding runs claimed by query and as stored: a restart finishes all within 10 s, each effect once', async () => {
    const queued = ids(3);
    await writer
      .get(InboxService)
      .receiveMany(queued.map((id) => ({ id, eventType: LEASE_EVENT, payload: { id } })));
    const victim = await started({ block: true });
    await waitFor(
      () => queued.every((id) => victim.running().includes(id)),
      'the claimed runs to be running',
    );
    const stored = ids(3);
    victim.child.send({ type: 'receive', ids: stored });
    await waitFor(() => stored.every((id) => victim.running().includes(id)), 'the stored runs to be running');
    const all = [...queued, ...stored];
    expect((await stateOf(all)).map((s) => [s.status, s.attempts])).toEqual(all.map(() => ['progress', 1]));
    await victim.kill();

    const heir = await started({ block: false });
    const finishedAt = await waitFor(
      async () => ((await stateOf(all)).every((s) => s.status === 'done') ? Date.now() : undefined),
      'the heir to finish every run',
      { timeoutMs: 30_000 },
    );
    console.log(`inbox: 6 runs of a SIGKILLed worker done ${finishedAt - heir.readyAt} ms after the restart`);
    expect(finishedAt - heir.readyAt).toBeLessThanOrEqual(10_000);
    const effects = await effectsOf(all);
    expect(effects.map((e) => e.message_id).sort()).toEqual([...all].sort());
    expect(effects.every((e) => e.pid === heir.child.pid && e.attempt === 2)).toBe(true);
  }, 120_000);

  it('a worker stopped (SIGSTOP) past its lease and then continued commits nothing the heir took over', async () => {
    const [id] = ids(1);
    await writer.get(InboxService).receive({ id, eventType: LEASE_EVENT, payload: { id } });
    const stalled = await started({ block: true, leaseMs: 1_000 });
    await waitFor(() => stalled.running().includes(id), 'the run to start');
    stalled.child.kill('SIGSTOP');

    const heir = await started({ block: false, leaseMs: 1_000 });
    await waitFor(async () => (await stateOf([id]))[0].status === 'done', 'the heir to take over and finish');
    stalled.child.kill('SIGCONT');
    // Its renewal finds the run taken: the handler's signal aborts with LeaseLostError.
    await waitFor(
      () => stalled.messages.find((m) => m.type === 'aborted' && m.id === id),
      'the stalled handler to learn it lost the lease',
    );
    expect(stalled.messages.find((m) => m.type === 'aborted')?.reason).toBe('LeaseLostError');
    stalled.child.send({ type: 'finish' });
    await waitFor(() => stalled.messages.some((m) => m.type === 'returned'), 'the stalled handler to return');
    // Its done-mark is fenced inside its transaction: its effect rolled back, the heir's stands.
    // Whatever its transaction did, it has ended once nothing holds a lock on the effects table.
    await waitFor(
      async () =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = 'effects' AND c.relnamespace = $1::regnamespace`,
            [schema],
          )
        ).rows[0].n === 0,
      'the stalled transaction to end',
    );
    expect(await effectsOf([id])).toEqual([{ message_id: id, attempt: 2, pid: heir.child.pid }]);
    expect(await stateOf([id])).toEqual([{ message_id: id, status: 'done', attempts: 2 }]);
  }, 120_000);

  it('a handler running four leases long in a live worker is not taken by another live worker', async () => {
    const [id] = ids(1);
    const slow = await started({ block: false, leaseMs: 1_000, runForMs: 4_500 });
    const other = await started({ block: false, leaseMs: 1_000 });
    slow.child.send({ type: 'receive', ids: [id] }); // stored claimed by the slow worker
    await waitFor(() => slow.running().includes(id), 'the slow run to start');
    await waitFor(async () => (await stateOf([id]))[0].status === 'done', 'the slow run to finish', {
      timeoutMs: 20_000,
    });
    expect(other.running()).toEqual([]);
    expect(slow.messages.filter((m) => m.type === 'aborted')).toEqual([]);
    expect(await effectsOf([id])).toEqual([{ message_id: id, attempt: 1, pid: slow.child.pid }]);
    expect(await stateOf([id])).toEqual([{ message_id: id, status: 'done', attempts: 1 }]);
  }, 60_000);
});
