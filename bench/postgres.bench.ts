/**
 * PostgreSQL-only queues: Courier's PostgreSQL transport beside pg-boss and the raw
 * ceiling, consume + ack of a standing backlog, all on this machine's PostgreSQL in the
 * same run.
 *
 *   npm run bench:postgres
 *
 * R  raw: connections looping SELECT … FOR UPDATE SKIP LOCKED + DELETE in a transaction;
 * L  raw with leases (context, no target): connections looping one statement that locks
 *    and leases a batch, committed, then its fenced DELETE, committed: the least work
 *    a consumer whose leases outlive a transaction does, as Courier's do;
 * pg-boss: its batch mode (one fetch, one handler call, one complete per batch) at its
 *    shortest polling interval, the settings listed, best of them;
 * Courier: the consumer runner on PostgresConsumerFactory, the settings listed, best of them.
 * Each is loaded with the same number of ~200-byte JSON messages first (not timed).
 * Targets (issue 17): Courier >= 2x pg-boss and >= 60% of R.
 *
 * Needs PostgreSQL (DATABASE_URL). Creates its own schemas and drops them at the end.
 * BENCH_PG_MESSAGES sets the backlog (default 100,000).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Pool } from 'pg';
import { DATABASE_URL } from '../test/harness/env';
import { measureCourierConsume, type CourierConsumeSettings } from './phases/postgres/courier-consume';
import { measurePgBoss, type PgBossSettings } from './phases/postgres/pg-boss-consume';
import { measureRawLeased } from './phases/postgres/raw-leased';
import { measureRawSkipLocked } from './phases/postgres/raw-skip-locked';
import { fmtPct, fmtRate, renderTable, verdict, type TableRow } from './support/bench-stats';
import { codeState } from './support/code-state';

const MESSAGES = Number(process.env.BENCH_PG_MESSAGES ?? 100_000);
const RAW = { workers: 4, batch: 500 };
// A pg-boss worker fetches at most once per polling interval (0.5 s at the shortest), so
// its throughput is workers x batchSize per half second: more workers, more throughput.
const PG_BOSS: PgBossSettings[] = [
  { workers: 4, batchSize: 500 },
  { workers: 16, batchSize: 500 },
];
const COURIER: CourierConsumeSettings[] = [
  { concurrency: 200, prefetch: 1_000 },
  { concurrency: 200, prefetch: 4_000 },
];
const MIN_VS_PG_BOSS = 2;
const MIN_OF_RAW = 0.6;

const count = (n: number) => n.toLocaleString('en-US');
const note = (line: string) => process.stderr.write(`[bench:postgres] ${line}\n`);

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: DATABASE_URL, max: 12 });
  const schemas: string[] = [];
  const schema = (prefix: string) => {
    const name = `bench_${prefix}_${randomUUID().slice(0, 8)}`;
    schemas.push(name);
    return name;
  };
  const began = Date.now();
  const loadAtStart = loadavg()[0].toFixed(2);
  try {
    const version = (await pool.query('SHOW server_version')).rows[0].server_version as string;
    const raw: number[] = [];
    for (let run = 1; run <= 2; run++) {
      note(`raw SKIP LOCKED + DELETE (${run}/2), ${RAW.workers} connections, batch ${RAW.batch}`);
      const own = schema('raw');
      await pool.query(`CREATE SCHEMA ${own}`);
      raw.push(await measureRawSkipLocked(pool, own, MESSAGES, RAW));
    }
    const leased: number[] = [];
    for (let run = 1; run <= 2; run++) {
      note(`raw leased claim + fenced DELETE (${run}/2), ${RAW.workers} connections, batch ${RAW.batch}`);
      const own = schema('leased');
      await pool.query(`CREATE SCHEMA ${own}`);
      leased.push(await measureRawLeased(pool, own, MESSAGES, RAW));
    }
    const boss: number[] = [];
    for (const settings of PG_BOSS) {
      note(`pg-boss, ${settings.workers} workers, batchSize ${settings.batchSize}`);
      boss.push(await measurePgBoss(DATABASE_URL, schema('pgboss'), MESSAGES, settings));
    }
    const courier: number[] = [];
    for (const settings of COURIER) {
      note(`Courier, concurrency ${settings.concurrency}, prefetch ${settings.prefetch}`);
      courier.push(await measureCourierConsume(pool, schema('courier'), MESSAGES, settings));
    }

    const ceiling = Math.max(...raw);
    const bestLeased = Math.max(...leased);
    const bestBoss = Math.max(...boss);
    const bestCourier = Math.max(...courier);
    const rows: TableRow[] = [
      {
        figure: `R  raw SELECT ... FOR UPDATE SKIP LOCKED + DELETE, ${RAW.workers} conns x ${RAW.batch} (runs ${raw.map((r) => count(Math.round(r))).join(' / ')})`,
        value: fmtRate(ceiling),
        target: 'ceiling R',
      },
      {
        figure: `L  raw leased claim + fenced DELETE, ${RAW.workers} conns x ${RAW.batch} (runs ${leased.map((r) => count(Math.round(r))).join(' / ')})`,
        value: fmtRate(bestLeased),
        target: `${fmtPct(bestLeased / ceiling)} of R`,
      },
      { figure: `consume + ack of ${count(MESSAGES)} waiting messages`, value: '' },
      ...PG_BOSS.map((s, i) => ({
        figure: `   pg-boss 10, ${s.workers} workers x batchSize ${s.batchSize}, polling 0.5 s`,
        value: fmtRate(boss[i]),
        target: `${fmtPct(boss[i] / ceiling)} of R`,
      })),
      ...COURIER.map((s, i) => ({
        figure: `   Courier PostgreSQL transport, concurrency ${s.concurrency}, prefetch ${s.prefetch}`,
        value: fmtRate(courier[i]),
        target: `${fmtPct(courier[i] / ceiling)} of R, ${fmtPct(courier[i] / bestLeased)} of L`,
      })),
      {
        figure: `   Courier best / pg-boss best`,
        value: `${(bestCourier / bestBoss).toFixed(2)}x`,
        target: `>= ${MIN_VS_PG_BOSS}x`,
        verdict: verdict(bestCourier >= MIN_VS_PG_BOSS * bestBoss),
      },
      {
        figure: `   Courier best / R`,
        value: fmtPct(bestCourier / ceiling),
        target: `>= ${fmtPct(MIN_OF_RAW)}`,
        verdict: verdict(bestCourier >= MIN_OF_RAW * ceiling),
      },
    ];
    console.log(
      `\nCourier PostgreSQL-queue benchmark: ${cpus().length} CPUs, node ${process.version}, PostgreSQL ${version}; ` +
        `${Math.round((Date.now() - began) / 1000)} s, load average ${loadAtStart} -> ${loadavg()[0].toFixed(2)}; code: ${codeState()}\n`,
    );
    console.log(renderTable(rows));
  } finally {
    for (const name of schemas)
      await pool.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
