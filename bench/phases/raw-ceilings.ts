import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { connect } from 'amqplib';
import { corkFrameWrites } from '@courier-nest/rabbitmq/connection/corked-frame-writes';
import { Pool } from 'pg';
import { AMQP_URL, DATABASE_URL } from '../../test/harness/env';
import type { BenchContext } from '../support/bench-context';
import { benchPayload } from '../support/bench-messages';

export interface RateResult {
  count: number;
  ms: number;
  perSecond: number;
  /** WAL fsyncs per transaction (pg_stat_wal: the whole server's, so an upper bound); raw INSERT only. */
  walSyncsPerTx?: number;
}

/**
 * Ceiling A: what amqplib alone does on this machine. One confirm channel, every
 * message persistent + mandatory with the same properties and headers the outbox puts
 * on the wire, all published pipelined (pausing on 'drain'), then all confirms awaited.
 */
export async function measureRawPublish(
  context: BenchContext,
  count: number,
  corked = false,
): Promise<RateResult> {
  await context.purgeQueue();
  const connection = await connect(AMQP_URL);
  if (corked && !corkFrameWrites(connection)) throw new Error('amqplib connection not shaped as expected');
  try {
    const channel = await connection.createConfirmChannel();
    let returned = 0;
    channel.on('return', () => returned++);
    const publishAll = async (n: number) => {
      for (let seq = 0; seq < n; seq++) {
        const id = randomUUID();
        const occurredAt = new Date();
        const flushed = channel.publish(
          context.exchange,
          context.routingKey,
          Buffer.from(JSON.stringify(benchPayload(seq)), 'utf8'),
          {
            persistent: true,
            mandatory: true,
            contentType: 'application/json',
            contentEncoding: 'utf-8',
            messageId: id,
            type: context.routingKey,
            timestamp: Math.floor(occurredAt.getTime() / 1000),
            appId: 'courier-bench',
            correlationId: id,
            headers: { 'x-courier-key': `ord-${seq}`, 'x-courier-occurred-at': occurredAt.toISOString() },
          },
        );
        if (!flushed) await once(channel, 'drain');
      }
      await channel.waitForConfirms();
    };

    // Warm-up: JIT, channel, queue files.
    await publishAll(Math.min(5_000, count));
    await context.waitForQueueDepth(Math.min(5_000, count));
    await context.purgeQueue();

    const started = performance.now();
    await publishAll(count);
    const ms = performance.now() - started;
    if (returned > 0) throw new Error(`${returned} raw messages were returned as unroutable`);
    const depth = await context.waitForQueueDepth(count);
    if (depth !== count) throw new Error(`Queue holds ${depth} messages after publishing ${count}`);
    await context.purgeQueue();
    return { count, ms, perSecond: count / (ms / 1000) };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * Ceiling B: single-row INSERT transactions (autocommit, prepared) into a plain table
 * through node-postgres, `connections` clients in parallel for `durationMs`. With
 * `notify`, each also sends a NOTIFY as the outbox's insert does (nobody listens):
 * PostgreSQL serialises the commits of notifying transactions behind one lock held
 * through the WAL flush, so they cannot share a flush (group commit) as plain ones do.
 */
export async function measureRawInsert(
  context: BenchContext,
  connections: number,
  durationMs: number,
  { notify = false }: { notify?: boolean } = {},
): Promise<RateResult> {
  const schema = context.newSchema('raw');
  await context.db.query(`CREATE SCHEMA "${schema}"`);
  await context.db.query(`CREATE TABLE "${schema}".raw_rows (id bigserial PRIMARY KEY, note text NOT NULL)`);
  const pool = new Pool({ connectionString: DATABASE_URL, max: connections });
  const table = `"${schema}".raw_rows`;
  const insert = notify
    ? {
        name: 'bench_raw_insert_notify',
        text: `WITH wake AS (SELECT pg_notify('${schema}', '')) INSERT INTO ${table} (note) SELECT $1 FROM wake`,
      }
    : { name: 'bench_raw_insert', text: `INSERT INTO ${table} (note) VALUES ($1)` };
  let result: RateResult;
  const walSyncsBefore = await readWalSyncs(context);
  try {
    const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
    for (const client of clients) await client.query({ ...insert, values: ['warm-up'] });
    let count = 0;
    const started = performance.now();
    const deadline = started + durationMs;
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < deadline) {
          await client.query({ ...insert, values: ['row'] });
          count++;
        }
      }),
    );
    const ms = performance.now() - started;
    clients.forEach((client) => client.release());
    result = { count, ms, perSecond: count / (ms / 1000) };
  } finally {
    await pool.end();
  }
  // The clients' backends publish their WAL counts as they exit, a moment after the close.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const walSyncs = (await readWalSyncs(context)) - walSyncsBefore;
  return { ...result, walSyncsPerTx: walSyncs / (result.count + connections) };
}

/** The server's WAL fsyncs so far (pg_stat_wal, PostgreSQL 14+; NaN before). */
async function readWalSyncs(context: BenchContext): Promise<number> {
  return context.db
    .query('SELECT wal_sync::float8 AS n FROM pg_stat_wal')
    .then(({ rows }) => rows[0].n as number)
    .catch(() => Number.NaN);
}

export interface RoundTrips {
  /** ms, one autocommit single-row INSERT (includes the WAL flush). */
  pgCommit: number[];
  /** ms, one persistent mandatory publish until its confirm. */
  amqpConfirm: number[];
}

/**
 * The floor under commit → publish latency: one message at a time, the relay's two
 * unavoidable round trips (a committing statement in PostgreSQL, a confirmed publish).
 */
export async function measureRoundTrips(context: BenchContext, count: number): Promise<RoundTrips> {
  const schema = context.newSchema('floor');
  await context.db.query(`CREATE SCHEMA "${schema}"`);
  await context.db.query(`CREATE TABLE "${schema}".raw_rows (id bigserial PRIMARY KEY, note text NOT NULL)`);
  const insert = { name: 'bench_floor_insert', text: `INSERT INTO "${schema}".raw_rows (note) VALUES ($1)` };
  const pgCommit: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await context.db.query({ ...insert, values: ['row'] });
    pgCommit.push(performance.now() - started);
  }

  const amqpConfirm: number[] = [];
  const connection = await connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    const content = Buffer.from(JSON.stringify(benchPayload(0)), 'utf8');
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) =>
        channel.publish(
          context.exchange,
          context.routingKey,
          content,
          { persistent: true, mandatory: true, contentType: 'application/json', messageId: randomUUID() },
          (error: unknown) => (error ? reject(error) : resolve()),
        ),
      );
      amqpConfirm.push(performance.now() - started);
    }
  } finally {
    await connection.close().catch(() => undefined);
    await context.purgeQueue();
  }
  return { pgCommit, amqpConfirm };
}
