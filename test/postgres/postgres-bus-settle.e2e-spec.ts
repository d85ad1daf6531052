import { Client, type Pool } from 'pg';
import { ConsumerRunner } from '@courier-nest/consumer';
import { PostgresConsumerFactory, type PostgresBus } from '@courier-nest/postgres';
import { quietLogger } from '../harness/broker';
import { DATABASE_URL, uniqueName } from '../harness/env';
import { openTestBus, type TestBus } from '../harness/test-bus';
import { waitFor } from '../harness/wait-for';

/**
 * What the bus's claims and acks cost PostgreSQL, and what the runner waits for: a claim
 * rewrites its rows in place (HOT, no index entry), and an ack is sent, not awaited, so a
 * slow ack statement holds no handler slot; a consumer that closes still writes its acks.
 */
describe('PostgreSQL transport: claims and acks', () => {
  const schema = uniqueName('bus_settle');
  const table = `"${schema}".bus_messages`;
  let testBus: TestBus;
  let pool: Pool;
  let bus: PostgresBus;

  beforeAll(async () => {
    testBus = await openTestBus(schema);
    ({ bus, pool } = testBus);
  });

  afterAll(() => testBus?.close());

  const send = (queue: string, count: number) =>
    bus.send(
      queue,
      Array.from({ length: count }, (_, i) => ({
        messageId: `${queue}-${i}`,
        body: Buffer.from(JSON.stringify({ orderId: `order-${i}`, note: 'x'.repeat(180) })),
        properties: { contentType: 'application/json' },
        headers: {},
      })),
    );

  it('a claim of whole pages of rows updates every row in place (HOT), adding no index entry', async () => {
    const queue = 'hot';
    await bus.declareQueues(queue);
    await send(queue, 2_000);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rowCount } = await client.query(bus.sql.claim, [queue, 1_000, 'test-owner', 30_000]);
      const { rows } = await client.query(
        `SELECT pg_stat_get_xact_tuples_updated($1::regclass)::int AS updated,
                pg_stat_get_xact_tuples_hot_updated($1::regclass)::int AS hot`,
        [table],
      );
      await client.query('COMMIT');
      expect(rowCount).toBe(1_000);
      expect(rows[0]).toEqual({ updated: 1_000, hot: 1_000 });
    } finally {
      client.release();
    }
  });

  it('a consumer with two claimers (prefetch 4,000) handles each of 10,000 messages once', async () => {
    const queue = 'two_claimers';
    await bus.declareQueues(queue);
    for (let chunk = 0; chunk < 10; chunk++)
      await bus.send(
        queue,
        Array.from({ length: 1_000 }, (_, i) => ({
          messageId: `m-${chunk * 1_000 + i}`,
          body: Buffer.from('{}'),
          properties: {},
          headers: {},
        })),
      );
    const seen = new Map<string, number>();
    const runner = new ConsumerRunner(
      new PostgresConsumerFactory(bus, queue, { pollIntervalMs: 100 }, quietLogger),
      (message) => void seen.set(message.id, (seen.get(message.id) ?? 0) + 1),
      { concurrency: 50, prefetch: 4_000, logger: quietLogger },
    );
    try {
      runner.start();
      await waitFor(() => seen.size === 10_000, 'every message handled', { timeoutMs: 60_000 });
      await runner.stop();
      expect([...seen.values()].every((times) => times === 1)).toBe(true);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE queue = $1`, [queue]);
      expect(rows[0].n).toBe(0);
    } finally {
      await runner.stop();
    }
  }, 90_000);

  it('an ack waiting on a locked row holds no handler slot, and stopping waits until it is written', async () => {
    const queue = 'acks';
    await bus.declareQueues(queue);
    await send(queue, 3);
    const locker = new Client({ connectionString: DATABASE_URL });
    await locker.connect();
    const handled: string[] = [];
    const factory = new PostgresConsumerFactory(bus, queue, { pollIntervalMs: 100 }, quietLogger);
    const runner = new ConsumerRunner(
      factory,
      async (message) => {
        // The first message's row is locked by another session once claimed: its DELETE waits.
        if (handled.length === 0) {
          await locker.query('BEGIN');
          await locker.query(`SELECT 1 FROM ${table} WHERE message_id = $1 FOR UPDATE`, [message.id]);
        }
        handled.push(message.id);
      },
      { concurrency: 1, logger: quietLogger },
    );
    try {
      runner.start();
      // One slot: the second and third run only because the first's ack did not keep it.
      await waitFor(() => handled.length === 3, 'all three handled while the first ack waits');
      await waitFor(
        async () =>
          (
            await pool.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%DELETE FROM%bus_messages%'`,
            )
          ).rows[0].n === 1,
        'the ack statement waiting on the lock',
      );
      const order: string[] = [];
      const stopped = runner.stop().then(() => void order.push('stopped'));
      await waitFor(() => factory.subscribed === 0, 'the consumer closing');
      // A round trip for the close to get as far as it can while the ack is blocked.
      await pool.query('SELECT 1');
      order.push('unlocking');
      await locker.query('COMMIT');
      await stopped;
      // The consumer closed while its ack was blocked, and finished only once it was written.
      expect(order).toEqual(['unlocking', 'stopped']);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE queue = $1`, [queue]);
      expect(rows[0].n).toBe(0);
      expect([...handled].sort()).toEqual(['acks-0', 'acks-1', 'acks-2']);
    } finally {
      await locker.end(); // its lock goes with it, so no ack waits on it
      await runner.stop();
    }
  });
});
