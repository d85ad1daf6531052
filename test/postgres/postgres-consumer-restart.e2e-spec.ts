import { Pool } from 'pg';
import { ConsumerRunner } from '@courier-nest/consumer';
import { busSchemaSql, PostgresBus, PostgresConsumerFactory } from '@courier-nest/postgres';
import { quietLogger } from '../harness/broker';
import { startEmbeddedPostgres, type EmbeddedServer } from '../harness/embedded-postgres';
import { waitFor } from '../harness/wait-for';

/**
 * A consumer on the PostgreSQL transport when its database restarts: the runner makes a
 * new consumer once the server is back, and every message sent before, during and after
 * the outage is handled. The bus runs on an embedded server of the test's own.
 */
describe('PostgreSQL transport: a consumer across a restart of the bus database', () => {
  const schema = 'courier_bus';
  const queue = 'jobs';
  let server: EmbeddedServer;
  let pool: Pool;
  let bus: PostgresBus;
  let runner: ConsumerRunner | undefined;

  beforeAll(async () => {
    server = await startEmbeddedPostgres();
    pool = new Pool({ connectionString: server.url, max: 6 });
    pool.on('error', () => undefined); // connections the restart ends; the pool replaces them
    for (const statement of busSchemaSql(schema)) await pool.query(statement);
    bus = new PostgresBus(pool, schema, quietLogger);
  }, 60_000);

  afterAll(async () => {
    await runner?.stop();
    await bus?.close();
    await pool?.end();
    await server?.remove();
  }, 60_000);

  const send = async (from: number, count: number) => {
    const messages = Array.from({ length: count }, (_, i) => ({
      messageId: `m-${from + i}`,
      body: Buffer.from(String(from + i)),
      properties: {},
      headers: {},
    }));
    await bus.send(queue, messages);
  };

  it('handles everything sent before and after the restart, and recreates its consumer', async () => {
    const seen = new Set<string>();
    const errors: string[] = [];
    runner = new ConsumerRunner(
      new PostgresConsumerFactory(bus, queue, { leaseMs: 1_000, pollIntervalMs: 100 }, quietLogger),
      (message) => void seen.add(message.id),
      {
        concurrency: 4,
        logger: { ...quietLogger, warn: (line: string) => void errors.push(line) },
        recreateBackoff: { initialDelayMs: 50, maxDelayMs: 200 },
      },
    );
    runner.start();
    await runner.waitUntilConsuming();
    await send(0, 100);
    await waitFor(() => seen.size === 100, 'the first hundred');

    await server.stop();
    // A claim against the stopped server fails: the consumer reports it, the runner backs off.
    await waitFor(() => errors.length > 0, 'the runner to hear of the lost consumer');
    await server.start();
    await send(100, 100);
    await waitFor(() => seen.size === 200, 'the second hundred, after the restart', { timeoutMs: 30_000 });
    await waitFor(async () => (await bus.waiting(queue)) === 0, 'the queue empty');
    expect(runner.isConsuming).toBe(true);
  }, 90_000);
});
