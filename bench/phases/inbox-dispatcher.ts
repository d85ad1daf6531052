import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { InboxService, type InboxModuleOptions } from '@courier-nest/inbox';
import { InboxDispatcher } from '@courier-nest/inbox/dispatcher/inbox-dispatcher.service';
import { uniqueName } from '../../test/harness/env';
import { createInboxApp } from '../../test/harness/inbox-app';
import type { BenchContext } from '../support/bench-context';
import { benchPayload } from '../support/bench-messages';
import { planDeliveries, trivialHandlerProvider } from '../support/inbox-messages';
import { InboxProbes, type CallStats } from '../support/inbox-probes';

export interface DispatcherDrainResult {
  handlers: number;
  ms: number;
  perSecond: number;
  handlerRuns: number;
  claim: CallStats;
  settle: CallStats;
}

const STORE_BATCH = 500;
const TIMEOUT_MS = 60_000;

/**
 * The dispatcher alone: `count` messages stored through `InboxService.receiveMany` with
 * the dispatcher stopped (no broker in the app), then the dispatcher started and timed
 * until every handler state is settled 'done' (confirmed in the database). Isolates
 * the claim → run → settle loop from the RabbitMQ bridge.
 */
export async function measureDispatcherDrain(
  context: BenchContext,
  dispatcher: InboxModuleOptions['dispatcher'],
  count: number,
): Promise<DispatcherDrainResult> {
  const schema = context.newSchema('inbox_dispatch');
  const eventType = uniqueName('bench_inbox_evt_dispatch');
  let handlerRuns = 0;
  const app = await createInboxApp({
    inbox: { schema, serviceName: 'courier-inbox-bench', dispatcher: { ...dispatcher, enabled: false } },
    handlers: [trivialHandlerProvider(eventType, 'bench_noop', () => handlerRuns++)],
    rabbitmq: false,
  });
  try {
    const inbox = app.get(InboxService);
    const { ids } = planDeliveries(count, 0);
    for (let from = 0; from < count; from += STORE_BATCH) {
      await inbox.receiveMany(
        ids.slice(from, from + STORE_BATCH).map((id, i) => ({
          id,
          eventType,
          type: 'bench_event',
          payload: benchPayload(from + i),
        })),
      );
    }
    const probes = InboxProbes.install(count, count);
    try {
      const started = performance.now();
      app.get(InboxDispatcher).start();
      const deadline = started + TIMEOUT_MS;
      for (;;) {
        if (probes.doneAt !== undefined) {
          const { rows } = await context.db.query(
            `SELECT count(*)::int AS n FROM "${schema}".inbox_handler_states WHERE status = 'done'`,
          );
          if (rows[0].n >= count) break;
        }
        if (performance.now() > deadline) {
          throw new Error(`Dispatcher not done after ${TIMEOUT_MS / 1000} s: ${probes.settledDone}/${count}`);
        }
        await delay(2);
      }
      const ms = performance.now() - started;
      return {
        handlers: count,
        ms,
        perSecond: count / (ms / 1000),
        handlerRuns,
        claim: probes.claim,
        settle: probes.settle,
      };
    } finally {
      probes.restore();
    }
  } finally {
    await app.close();
  }
}
