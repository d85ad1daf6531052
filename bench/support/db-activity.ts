import type { Client } from 'pg';

/**
 * What the PostgreSQL server did between two readings. `commits` is this database's
 * (pg_stat_database.xact_commit, every session in it, other helpers' tests included
 * when they share it); the WAL and checkpoint figures are the whole server's. Read them
 * as context beside the bench's own exact counts, not as the bench's alone.
 */
export interface DbActivity {
  commits: number;
  /** WAL records, bytes, and fsyncs of the WAL (pg_stat_wal, PostgreSQL 14+; NaN before). */
  walRecords: number;
  walBytes: number;
  walSyncs: number;
  /** Full-page images: many right after a checkpoint, each first change of a page copies it whole. */
  walFullPages: number;
  /** Checkpoints (timed or requested) and the buffers they wrote, counted as each finishes: one in progress does not show. */
  checkpoints: number;
  checkpointBuffers: number;
  /**
   * Buffers a backend had to write out itself to free one (pg_stat_bgwriter.buffers_backend):
   * a small shared_buffers full of dirty pages (say, of drained tables) makes every
   * committing session pay for the background writer's backlog.
   */
  backendBufferWrites: number;
  /** Autovacuum workers seen running, sampled every AUTOVACUUM_SAMPLE_MS: mean and max. */
  autovacuumMean: number;
  autovacuumMax: number;
}

type Counters = Omit<DbActivity, 'autovacuumMean' | 'autovacuumMax'>;

const AUTOVACUUM_SAMPLE_MS = 250;
const BACKEND_EXIT_MS = 500;

async function readCounters(db: Client): Promise<Counters> {
  const { rows } = await db.query(
    `SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database())::float8 AS commits,
            (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter)::float8 AS checkpoints,
            (SELECT buffers_checkpoint FROM pg_stat_bgwriter)::float8 AS checkpoint_buffers,
            (SELECT buffers_backend FROM pg_stat_bgwriter)::float8 AS backend_writes`,
  );
  const wal = await db
    .query(
      `SELECT wal_records::float8, wal_bytes::float8, wal_sync::float8, wal_fpi::float8 FROM pg_stat_wal`,
    )
    .then((r) => r.rows[0])
    .catch(() => ({ wal_records: NaN, wal_bytes: NaN, wal_sync: NaN, wal_fpi: NaN }));
  return {
    commits: rows[0].commits,
    checkpoints: rows[0].checkpoints,
    checkpointBuffers: rows[0].checkpoint_buffers,
    backendBufferWrites: rows[0].backend_writes,
    walRecords: wal.wal_records,
    walBytes: wal.wal_bytes,
    walSyncs: wal.wal_sync,
    walFullPages: wal.wal_fpi,
  };
}

/**
 * Reads the counters now; `stop()` reads them again and returns the difference. A
 * backend publishes its counts at most once a second while busy and maybe only 10 s
 * after it goes idle, but always as it exits: start the meter before the app boots and
 * stop it after the app closed its connections, and the app's whole life is counted.
 */
export class DbActivityMeter {
  private autovacuumSamples: number[] = [];
  private readonly sampler: NodeJS.Timeout;

  private constructor(
    private readonly db: Client,
    private readonly before: Counters,
  ) {
    this.sampler = setInterval(() => {
      db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`)
        .then(({ rows }) => this.autovacuumSamples.push(rows[0].n))
        .catch(() => undefined);
    }, AUTOVACUUM_SAMPLE_MS).unref();
  }

  static async start(db: Client): Promise<DbActivityMeter> {
    return new DbActivityMeter(db, await readCounters(db));
  }

  async stop(): Promise<DbActivity> {
    clearInterval(this.sampler);
    // Closed connections' backends exit (and publish their counts) a moment after the client.
    await new Promise((resolve) => setTimeout(resolve, BACKEND_EXIT_MS));
    const after = await readCounters(this.db);
    const samples = this.autovacuumSamples;
    const diff = Object.fromEntries(
      Object.entries(after).map(([key, value]) => [key, value - this.before[key as keyof Counters]]),
    ) as Counters;
    return {
      ...diff,
      autovacuumMean: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length),
      autovacuumMax: Math.max(0, ...samples),
    };
  }
}
