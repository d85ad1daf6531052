import { performance } from 'node:perf_hooks';
import PgBoss from 'pg-boss';
import { waitFor } from '../../../test/harness/wait-for';
import { LOAD_CHUNK, queuePayload } from './queue-payload';

export interface PgBossSettings {
  workers: number;
  batchSize: number;
}

/**
 * pg-boss's consume + complete: `count` jobs inserted first, then `workers` workers of
 * `batchSize` (its batch mode: one fetch, one handler call and one complete per batch)
 * at its shortest polling interval (0.5 s), timed until every job is completed.
 */
export async function measurePgBoss(
  url: string,
  schema: string,
  count: number,
  settings: PgBossSettings,
): Promise<number> {
  const boss = new PgBoss({
    connectionString: url,
    schema,
    max: settings.workers + 2,
    supervise: false,
    schedule: false,
  });
  boss.on('error', () => undefined);
  await boss.start();
  const queue = 'bench_jobs';
  await boss.createQueue(queue);
  for (let sent = 0; sent < count; sent += LOAD_CHUNK) {
    const size = Math.min(LOAD_CHUNK, count - sent);
    await boss.insert(
      Array.from({ length: size }, (_, i) => ({ name: queue, data: queuePayload(sent + i) })),
    );
  }
  const db = boss.getDb();
  const completed = async () =>
    Number(
      (
        await db.executeSql(
          `SELECT count(*)::int AS n FROM "${schema}".job WHERE name = $1 AND state = 'completed'`,
          [queue],
        )
      ).rows[0].n,
    );
  let handled = 0;
  const started = performance.now();
  for (let i = 0; i < settings.workers; i++) {
    await boss.work(
      queue,
      { batchSize: settings.batchSize, pollingIntervalSeconds: 0.5 },
      async (jobs) => void (handled += jobs.length),
    );
  }
  // Counted in this process first, as Courier's are: the table is read only at the end.
  await waitFor(() => handled >= count, `${count} pg-boss jobs handled`, {
    timeoutMs: 300_000,
    intervalMs: 2,
  });
  await waitFor(async () => (await completed()) === count, `${count} pg-boss jobs completed`, {
    timeoutMs: 300_000,
    intervalMs: 20,
  });
  const seconds = (performance.now() - started) / 1000;
  await boss.stop({ graceful: false, wait: true });
  return count / seconds;
}
