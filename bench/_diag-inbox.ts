/* Scratch diagnostics (not part of the bench; deleted after). */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { InboxDispatcher, InboxService, type IncomingMessage } from '@courier/inbox';
import { createInboxApp } from '../test/harness/inbox-app';
import { uniqueName } from '../test/harness/env';
import { BenchContext } from './support/bench-context';
import { planDeliveries, trivialHandlerProvider } from './support/inbox-messages';
import { benchPayload } from './support/bench-messages';
import { InboxProbes } from './support/inbox-probes';
import { measureInboxDrain } from './phases/inbox-drain';

const N = 20_000;

async function storeOnly(context: BenchContext, batch: number, parallel: number, dupFraction = 0) {
  const schema = context.newSchema('diag_store');
  const eventType = uniqueName('diag_evt');
  const handler = trivialHandlerProvider(eventType, 'k', () => undefined);
  const app = await createInboxApp({
    inbox: { schema, serviceName: 'diag', migrationsRun: true, dispatcher: { enabled: false } },
    handlers: [handler],
    rabbitmq: false,
  });
  try {
    const inbox = app.get(InboxService);
    const plan = planDeliveries(N, dupFraction);
    const messages: IncomingMessage[] = plan.ids.map((id, seq) => ({
      id,
      eventType,
      type: 'bench_event',
      payload: benchPayload(seq),
      headers: { 'x-courier-key': `ord-${seq}`, 'x-courier-source': 'courier-bench' },
      occurredAt: new Date(),
    }));
    let next = 0;
    const started = performance.now();
    let deadlocks = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < N) {
          const from = next;
          next += batch;
          const chunk = messages.slice(from, from + batch);
          for (;;) {
            try {
              await inbox.receiveMany(chunk);
              break;
            } catch (e) {
              deadlocks++;
              if (!/deadlock/.test(String(e))) throw e;
            }
          }
        }
      }),
    );
    const ms = performance.now() - started;
    console.log(
      `store-only batch ${batch} x ${parallel} parallel, dup ${dupFraction}: ${ms.toFixed(0)} ms = ${Math.round(N / (ms / 1000))} deliveries/s` +
        (deadlocks ? ` (${deadlocks} deadlock retries)` : ''),
    );
    return { app, schema };
  } catch (e) {
    await app.close();
    throw e;
  }
}

async function dispatcherOnly(context: BenchContext, dispatcher: Record<string, number>) {
  // store 20k with dispatcher disabled, then start dispatcher
  const schema = context.newSchema('diag_disp');
  const eventType = uniqueName('diag_evt');
  let runs = 0;
  const handler = trivialHandlerProvider(eventType, 'k', () => runs++);
  const app = await createInboxApp({
    inbox: { schema, serviceName: 'diag', migrationsRun: true, dispatcher: { enabled: false, ...dispatcher } },
    handlers: [handler],
    rabbitmq: false,
  });
  try {
    const inbox = app.get(InboxService);
    const plan = planDeliveries(N, 0);
    for (let i = 0; i < N; i += 500) {
      await inbox.receiveMany(
        plan.ids.slice(i, i + 500).map((id, k) => ({ id, eventType, type: 't', payload: benchPayload(i + k) })),
      );
    }
    await context.db.query(`ANALYZE "${schema}".inbox_handler_states`);
    const probes = InboxProbes.install(N, N);
    const started = performance.now();
    app.get(InboxDispatcher).start();
    while (probes.doneAt === undefined) await delay(2);
    const ms = probes.doneAt - started;
    probes.restore();
    console.log(
      `dispatcher-only ${JSON.stringify(dispatcher)}: ${ms.toFixed(0)} ms = ${Math.round(N / (ms / 1000))} handlers/s; ` +
        `claims ${probes.claim.calls} x ${(probes.claim.items / probes.claim.calls).toFixed(1)} @ ${(probes.claim.busyMs / probes.claim.calls).toFixed(2)} ms, ` +
        `settles ${probes.settle.calls} x ${(probes.settle.items / probes.settle.calls).toFixed(1)} @ ${(probes.settle.busyMs / probes.settle.calls).toFixed(2)} ms, runs ${runs}`,
    );
  } finally {
    await app.close();
  }
}

async function main() {
  const context = await BenchContext.open('diag');
  try {
    const what = process.argv[2] ?? 'all';
    if (what === 'store' || what === 'all') {
      for (const [b, p] of [
        [200, 1],
        [50, 1],
        [25, 1],
        [200, 4],
        [25, 8],
        [5, 10],
      ]) {
        const { app } = await storeOnly(context, b, p);
        await app.close();
      }
      const { app } = await storeOnly(context, 25, 8, 0.3);
      await app.close();
    }
    if (what === 'disp' || what === 'all') {
      await dispatcherOnly(context, {});
      await dispatcherOnly(context, { concurrency: 100 });
      await dispatcherOnly(context, { batchSize: 200, concurrency: 200 });
      await dispatcherOnly(context, { batchSize: 500, concurrency: 1000 });
    }
    if (what === 'bridge' || what === 'all') {
      for (const prefetch of [200, 1000]) {
        const r = await measureInboxDrain(context, { duplicateFraction: 0, prefetch, dispatcher: { enabled: false } }, N).catch(
          (e) => (console.log(String(e)), undefined),
        );
        if (r)
          console.log(
            `bridge-only prefetch ${prefetch}: stored+acked ${r.storedAckedMs.toFixed(0)} ms = ${Math.round(N / (r.storedAckedMs / 1000))}/s; receive ${r.receive.calls} x ${(r.receive.items / r.receive.calls).toFixed(1)} @ ${(r.receive.busyMs / r.receive.calls).toFixed(1)} ms, max ${r.receive.maxConcurrent}`,
          );
      }
    }
  } finally {
    await context.cleanup();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
