import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from 'pg';

/** One page call: its items and the cursor of the next page. */
export type PageCall = (
  cursor: string | undefined,
) => Promise<{ items: unknown[]; nextCursor: string | null }>;

/** Pages fetched untimed before each walk. */
const WARM_UP_PAGES = 10;

export interface WalkResult {
  pages: number;
  rows: number;
  /** ms per page, in page order. */
  pageMs: number[];
  /** heapUsed after the walk minus before, both after a full GC (bytes). */
  heapDelta: number;
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/**
 * Pages through a whole list, one page after the other as an operator (or the console's
 * "load more") would, timing each call. Items are counted and dropped at once: what the
 * walk holds in memory is the service's, not the bench's. The first pages are fetched
 * untimed before the walk (their statement is then prepared, and no timed call follows
 * a full GC closely).
 */
export async function walk(call: PageCall): Promise<WalkResult> {
  const pageMs: number[] = [];
  let rows = 0;
  const heapBefore = heapAfterGc();
  // Untimed: the first calls after a full GC pay for it (its sweeping goes on in the
  // background, the young generation grows back), not for their pages.
  await delay(250);
  let warm: string | undefined;
  for (let page = 0; page < WARM_UP_PAGES; page++) {
    warm = (await call(warm)).nextCursor ?? undefined;
    if (!warm) break;
  }
  let cursor: string | undefined;
  do {
    const started = performance.now();
    const page = await call(cursor);
    pageMs.push(performance.now() - started);
    rows += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { pages: pageMs.length, rows, pageMs, heapDelta: heapAfterGc() - heapBefore };
}

/**
 * `walk` `runs` times, each page's time the best of the runs (on a shared machine a
 * neighbour's burst can only make a page slower, never faster), the largest heap delta.
 */
export async function bestWalk(call: PageCall, runs: number): Promise<WalkResult> {
  let best: WalkResult | undefined;
  for (let run = 0; run < runs; run++) {
    const result = await walk(call);
    best = best
      ? {
          ...best,
          pageMs: best.pageMs.map((ms, i) => Math.min(ms, result.pageMs[i] ?? ms)),
          heapDelta: Math.max(best.heapDelta, result.heapDelta),
        }
      : result;
  }
  return best!;
}

/**
 * The ceiling: the cheapest keyset page there is, `SELECT … WHERE <key> > $n ORDER BY
 * <key> LIMIT 100` on a primary key with no other condition, walked the same way on one
 * connection, as a prepared statement (as the services send theirs). `keyOf` gives a
 * row's key as the statement's parameters; `first` the key before the first row.
 */
export function rawPrimaryKeyPages(
  db: Client,
  name: string,
  text: string,
  first: unknown[],
  keyOf: (row: Record<string, unknown>) => unknown[],
): PageCall {
  return async (cursor) => {
    // The cursor is the key itself, as JSON: the bench's warm-up and its walk may interleave.
    const { rows } = await db.query({
      name,
      text,
      values: cursor === undefined ? first : JSON.parse(cursor),
    });
    return {
      items: rows,
      nextCursor: rows.length === 100 ? JSON.stringify(keyOf(rows[rows.length - 1])) : null,
    };
  };
}

/**
 * Pages of a console API list over HTTP (`GET <console>/api/<list>?limit=&cursor=`), as
 * the page and the command line fetch them: the service call plus routing, the guard,
 * input checks and JSON both ways.
 */
export function consoleApiPages(baseUrl: string, list: string, token: string, limit: number): PageCall {
  return async (cursor) => {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${baseUrl}/api/${list}?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.status !== 200)
      throw new Error(`GET api/${list}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { items: unknown[]; nextCursor: string | null };
  };
}
