/**
 * Console data benchmark: pages through 100,000 dead outbox messages and 100,000 dead
 * inbox runs with the services' own methods (`pageDead`, 100 a page), unfiltered and
 * filtered, and shows that a page costs the same however deep it is (last page / first
 * page ≈ 1) and that the walk holds no memory (heapUsed before / after, both after a
 * full GC). Each page time is printed beside the ceiling this same run measured: the
 * cheapest keyset page there is, a raw `SELECT … WHERE seq > $1 ORDER BY seq LIMIT 100`
 * on the outbox's primary key (and for the inbox, its runs' primary key with their
 * messages). The same unfiltered walks through the console's HTTP API show what the page
 * and the command line get. Then the bulk actions over all of it, in statements of 1,000 rows.
 *
 *   npm run bench:console
 *
 * Needs PostgreSQL (DATABASE_URL). Creates its own schema and drops it at the end.
 * Progress goes to stderr, the table to stdout. The tables are analysed after seeding,
 * as autovacuum soon would (the e2e plan tests cover pages without statistics). Each
 * walk runs three times and each page's time is the best of the three: on a shared
 * machine a neighbour's burst can only make a page slower, never faster.
 */
import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { InboxService } from '@courier-nest/inbox';
import { OutboxService } from '@courier-nest/outbox';
import { dropSchema, openDatabase } from '../test/harness/database';
import { uniqueName } from '../test/harness/env';
import {
  BENCH_CONSOLE_TOKEN,
  bootConsoleBenchApp,
  seedDeadInbox,
  seedDeadOutbox,
  SEEDED,
} from './phases/console-seed';
import {
  bestWalk,
  consoleApiPages,
  rawPrimaryKeyPages,
  type PageCall,
  type WalkResult,
} from './phases/console-walk';
import { codeState } from './support/code-state';
import { fmtMs, percentile, renderTable, verdict, type TableRow } from './support/bench-stats';

const DEAD = Number(process.env.BENCH_CONSOLE_DEAD ?? 100_000);
const LIVE_OUTBOX = 20_000;
const LIMIT = 100;
/** Each walk runs three times; each page's time is the best of the three. */
const RUNS = 3;
/** "Bounded": the last ten pages cost at most this much more than the first ten. */
const MAX_DEPTH_RATIO = 1.5;
/** "Bounded memory": the walk keeps at most this much on the heap. */
const MAX_HEAP_DELTA = 8 * 1024 * 1024;

const count = (n: number) => n.toLocaleString('en-US');
const load = () => loadavg()[0].toFixed(2);
const mb = (bytes: number) => `${bytes >= 0 ? '+' : ''}${(bytes / 1024 / 1024).toFixed(2)} MB`;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const note = (message: string) =>
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);

interface Ceiling {
  label: string;
  p50: number;
}

function ceilingRows(title: string, result: WalkResult): TableRow[] {
  const ms = result.pageMs;
  return [
    { figure: `${title}: ${count(result.pages)} pages, ${count(result.rows)} rows`, value: '' },
    { figure: '   page p50 / p99', value: `${fmtMs(percentile(ms, 50))} / ${fmtMs(percentile(ms, 99))}` },
  ];
}

function walkRows(title: string, result: WalkResult, ceilings: Ceiling[]): TableRow[] {
  const ms = result.pageMs;
  const first = ms[0];
  const middle = ms[Math.floor(ms.length / 2)];
  const last = ms[ms.length - 1];
  const p50 = percentile(ms, 50);
  const depth = ms.length >= 20 ? mean(ms.slice(-10)) / mean(ms.slice(0, 10)) : last / first;
  return [
    { figure: `${title}: ${count(result.pages)} pages, ${count(result.rows)} rows`, value: '' },
    { figure: '   page first / middle / last', value: `${fmtMs(first)} / ${fmtMs(middle)} / ${fmtMs(last)}` },
    {
      figure: '   page p50 / p99',
      value: `${fmtMs(p50)} / ${fmtMs(percentile(ms, 99))}`,
      target: ceilings.map((c) => `x${(p50 / c.p50).toFixed(2)} of ${c.label}`).join(', '),
    },
    {
      figure: '   last / first page (single pages; mean of 10 each end)',
      value: `${(last / first).toFixed(2)} ; ${depth.toFixed(2)}`,
      target: `≈ 1, <= ${MAX_DEPTH_RATIO} (mean of 10)`,
      verdict: verdict(depth <= MAX_DEPTH_RATIO),
    },
    {
      figure: '   heapUsed after - before the walk (after GC)',
      value: mb(result.heapDelta),
      target: `< ${mb(MAX_HEAP_DELTA).slice(1)}`,
      verdict: verdict(result.heapDelta < MAX_HEAP_DELTA),
    },
  ];
}

async function timed<T>(what: string, run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  note(what);
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc)
    note('no --expose-gc: heap figures include garbage (use npm run bench:console)');
  const began = Date.now();
  const loadAtStart = load();
  const db = await openDatabase();
  const schema = uniqueName('bench_console').toLowerCase();
  const app = await bootConsoleBenchApp(schema);
  try {
    const outbox = app.get(OutboxService);
    const inbox = app.get(InboxService);
    const { rows: version } = await db.query('SHOW server_version');
    const consoleUrl = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/courier`;

    const outboxSeed = await timed(
      `seeding ${count(DEAD)} dead outbox rows among ${count(LIVE_OUTBOX)} live`,
      () => seedDeadOutbox(db, schema, DEAD, LIVE_OUTBOX),
    );
    const inboxSeed = await timed(`seeding ${count(DEAD)} dead inbox runs`, () =>
      seedDeadInbox(db, schema, DEAD),
    );
    await db.query(
      `ANALYZE "${schema}".outbox_messages, "${schema}".inbox_messages, "${schema}".inbox_handler_states`,
    );

    const rawOutbox = rawPrimaryKeyPages(
      db,
      'bench_raw_outbox_page',
      `SELECT seq, id, destination, type, key, payload, headers, correlation_id, causation_id, traceparent, tracestate,
         source, attempts, last_error, occurred_at, created_at, dead_at
       FROM "${schema}".outbox_messages WHERE seq > $1 ORDER BY seq LIMIT 100`,
      ['0'],
      (row) => [row.seq],
    );
    // The runs by their primary key, each one's message looked up by id (LATERAL … LIMIT 1,
    // as the page statement does: a join may be planned to read all messages).
    const rawInbox = rawPrimaryKeyPages(
      db,
      'bench_raw_inbox_page',
      `SELECT st.*, m.* FROM (
         SELECT message_id, handler_key, event_type, attempts, max_attempts, last_error, updated_at
         FROM "${schema}".inbox_handler_states
         WHERE (message_id, handler_key) > ($1, $2) ORDER BY message_id, handler_key LIMIT 100
       ) st CROSS JOIN LATERAL (
         SELECT message_type, payload, headers, occurred_at, received_at FROM "${schema}".inbox_messages
         WHERE id = st.message_id LIMIT 1
       ) m ORDER BY st.message_id, st.handler_key`,
      ['', ''],
      (row) => [row.message_id, row.handler_key],
    );
    const outboxPages =
      (filter: object): PageCall =>
      (cursor) =>
        outbox.pageDead({ ...filter, limit: LIMIT, cursor });
    const inboxPages =
      (filter: object): PageCall =>
      (cursor) =>
        inbox.pageDead({ ...filter, limit: LIMIT, cursor });

    const walks: Array<[string, PageCall]> = [
      ['A  raw outbox page by primary key (ceiling A)', rawOutbox],
      ['B  raw inbox page by primary key, with messages (ceiling B)', rawInbox],
      ['outbox.pageDead, all', outboxPages({})],
      [
        `outbox.pageDead, errorContains '${SEEDED.rareError.toLowerCase()}' (1 in 3)`,
        outboxPages({ errorContains: SEEDED.rareError.toLowerCase() }),
      ],
      ["outbox.pageDead, destination 'orders_3' (1 in 10)", outboxPages({ destination: 'orders_3' })],
      ['inbox.pageDead, all', inboxPages({})],
      [
        `inbox.pageDead, errorContains '${SEEDED.rareError.toLowerCase()}' (1 in 3)`,
        inboxPages({ errorContains: SEEDED.rareError.toLowerCase() }),
      ],
      ["inbox.pageDead, handlerKey 'send_mail' (1 in 2)", inboxPages({ handlerKey: 'send_mail' })],
      [
        'console API GET api/outbox/dead over HTTP, all',
        consoleApiPages(consoleUrl, 'outbox/dead', BENCH_CONSOLE_TOKEN, LIMIT),
      ],
      [
        'console API GET api/inbox/dead over HTTP, all',
        consoleApiPages(consoleUrl, 'inbox/dead', BENCH_CONSOLE_TOKEN, LIMIT),
      ],
    ];
    const results: WalkResult[] = [];
    for (const [title, call] of walks) {
      note(`walking: ${title}`);
      results.push(await bestWalk(call, RUNS));
    }
    const ceilingA = { label: 'A', p50: percentile(results[0].pageMs, 50) };
    const ceilingB = { label: 'B', p50: percentile(results[1].pageMs, 50) };

    const requeue = await timed(`outbox.requeueDeadMatching({}) over ${count(DEAD)} rows`, () =>
      outbox.requeueDeadMatching({}),
    );
    const purge = await timed(`inbox.purgeDeadMatching({}) over ${count(DEAD)} runs`, () =>
      inbox.purgeDeadMatching({}),
    );

    const rows: TableRow[] = [
      {
        figure: `seed ${count(DEAD)} dead outbox rows (+${count(LIVE_OUTBOX)} live), INSERT … SELECT`,
        value: fmtMs(outboxSeed.ms),
      },
      {
        figure: `seed ${count(DEAD)} dead inbox runs (+${count(DEAD / 2)} done), INSERT … SELECT`,
        value: fmtMs(inboxSeed.ms),
      },
    ];
    walks.forEach(([title], i) => {
      if (i < 2) rows.push(...ceilingRows(title, results[i]));
      else rows.push(...walkRows(title, results[i], /inbox/.test(title) ? [ceilingA, ceilingB] : [ceilingA]));
    });
    rows.push(
      { figure: 'bulk actions, statements of 1,000 rows', value: '' },
      {
        figure: `   outbox.requeueDeadMatching({}): ${count(requeue.value)} rows`,
        value: fmtMs(requeue.ms),
        target: `${count(Math.round(requeue.value / (requeue.ms / 1000)))} rows/s`,
      },
      {
        figure: `   inbox.purgeDeadMatching({}): ${count(purge.value)} runs`,
        value: fmtMs(purge.ms),
        target: `${count(Math.round(purge.value / (purge.ms / 1000)))} runs/s`,
      },
    );
    const header =
      `Courier console data benchmark: ${cpus().length} CPUs, node ${process.version} ${process.execArgv.join(' ')}, ` +
      `PostgreSQL ${String(version[0].server_version).split(' ')[0]}; ${codeState()}; ` +
      `${((Date.now() - began) / 1000).toFixed(0)} s, load average ${loadAtStart} -> ${load()}`;
    process.stdout.write(`\n${header}\n\n${renderTable(rows)}\n`);
  } finally {
    await app.close();
    await dropSchema(db, schema).catch((error) => note(`could not drop ${schema}: ${error}`));
    await db.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
