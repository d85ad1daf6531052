import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import type { InboxModuleOptions } from '@courier-nest/inbox';
import { RabbitMQInboxBridge } from '@courier-nest/rabbitmq';
import { uniqueName } from '../../test/harness/env';
import { waitFor } from '../../test/harness/wait-for';
import type { BenchContext } from '../support/bench-context';
import {
  bootInboxBenchApp,
  planDeliveries,
  prePublish,
  trivialHandlerProvider,
} from '../support/inbox-messages';
import { CpuMeter, InboxProbes, type CallStats, type CpuReading } from '../support/inbox-probes';

export interface InboxDrainSettings {
  duplicateFraction: number;
  /**
   * Dispatcher options; undefined = the defaults. With `enabled: false` no handler runs:
   * the phase then times the bridge alone (stored + acked) and `doneMs` equals it.
   */
  dispatcher?: InboxModuleOptions['dispatcher'];
  /** The bridge's prefetch; undefined = the default. */
  prefetch?: number;
}

export interface InboxDrainResult {
  settings: InboxDrainSettings;
  deliveries: number;
  uniqueIds: number;
  /** Handler invocations, and distinct ids they ran for. */
  handlerRuns: number;
  handledIds: number;
  /** Ids the handler ran for more than once (must be 0). */
  ranTwice: number;
  /** Rows in inbox_messages / 'done' rows in inbox_handler_states at the end. */
  storedMessages: number;
  doneStates: number;
  /** From consumption start (bootstrap complete, or the first store if earlier). */
  storedAckedMs: number;
  doneMs: number;
  totalMs: number;
  perSecond: number;
  /** Deliveries stored before bootstrap completed (the consumer attaches during bootstrap). */
  storedBeforeBootstrap: number;
  receive: CallStats;
  claim: CallStats;
  settle: CallStats;
  cpu: CpuReading;
  /** Deliveries left in the inbox queue / its dead queue after the app closed. */
  leftInQueue: number;
  deadLettered: number;
}

const HANDLER_KEY = 'bench_noop';
const TIMEOUT_MS = 90_000;

/**
 * Courier inbox throughput. Boots an inbox app once so the RabbitMQ bridge declares its
 * queue (`<service>.<eventType>`, bound with '#' to the topic exchange `<eventType>`) and
 * the schema exists, closes it, pre-publishes `count` deliveries to the exchange with raw
 * amqplib (some reusing earlier ids), then boots the app again (the bridge attaches on
 * bootstrap) and times from consumption start until (a) every delivery is stored and
 * acked and the queue is empty and (b) every unique id's handler state is 'done' in the
 * database. The trivial handler records each run to check exactly-once per id.
 */
export async function measureInboxDrain(
  context: BenchContext,
  settings: InboxDrainSettings,
  count: number,
): Promise<InboxDrainResult> {
  const tag = `d${Math.round(settings.duplicateFraction * 100)}`;
  const eventType = uniqueName(`bench_inbox_evt_${tag}`);
  const serviceName = uniqueName(`bench_inbox_svc_${tag}`);
  const schema = context.newSchema(`inbox_${tag}`);
  const queue = `${serviceName}.${eventType}`;
  context.trackBrokerObjects({
    queues: [queue, `${queue}.dead`],
    exchanges: [eventType, `${serviceName}.dead-letter`],
  });
  const runs = new Map<string, number>();
  const handler = trivialHandlerProvider(eventType, HANDLER_KEY, (id) =>
    runs.set(id, (runs.get(id) ?? 0) + 1),
  );
  const appOptions = {
    schema,
    serviceName,
    handler,
    dispatcher: settings.dispatcher,
    prefetch: settings.prefetch,
  };

  // 1. Let the bridge declare its queue and the inbox migrate its schema, then stop.
  const declaring = await bootInboxBenchApp(appOptions);
  try {
    await waitFor(() => declaring.get(RabbitMQInboxBridge).consumers().attached === 1, 'the inbox consumer', {
      timeoutMs: 20_000,
      intervalMs: 10,
    });
  } finally {
    await declaring.close();
  }

  // 2. The backlog, with the app down.
  const plan = planDeliveries(count, settings.duplicateFraction);
  await prePublish(eventType, 'bench_event', plan.ids);
  await waitFor(
    async () => (await context.admin.checkQueue(queue)).messageCount === count,
    `${count} deliveries in ${queue}`,
    { timeoutMs: 60_000, intervalMs: 10 },
  );

  // 3. Boot: the bridge attaches during bootstrap and consumption starts.
  const probes = InboxProbes.install(count, plan.unique);
  let app: INestApplicationContext | undefined;
  try {
    const bootStarted = performance.now();
    app = await bootInboxBenchApp(appOptions);
    const bootstrapped = performance.now();
    const cpu = new CpuMeter();
    const storedBeforeBootstrap = probes.firstReceiveAt !== undefined ? probes.receive.items : 0;
    const started = Math.min(bootstrapped, probes.firstReceiveAt ?? Number.POSITIVE_INFINITY);

    // (a) all stored + acked, the queue empty; (b) all handler states 'done' in the database.
    let storedAckedAt: number | undefined;
    const handlersRun = settings.dispatcher?.enabled !== false;
    let doneAt: number | undefined;
    let lastDbCheck = 0;
    const deadline = bootStarted + TIMEOUT_MS;
    while (storedAckedAt === undefined || doneAt === undefined) {
      if (performance.now() > deadline) {
        throw new Error(
          `Inbox ${tag} not drained after ${TIMEOUT_MS / 1000} s: stored ${probes.receive.items}/${count}, ` +
            `settled done ${probes.settledDone}/${plan.unique}, handler runs ${runs.size}`,
        );
      }
      if (storedAckedAt === undefined && probes.storedAckedAt !== undefined) {
        // The bridge acks right after its store resolves; the broker agrees the queue is empty.
        if ((await context.admin.checkQueue(queue)).messageCount === 0) storedAckedAt = probes.storedAckedAt;
      }
      if (!handlersRun) doneAt = storedAckedAt;
      else if (doneAt === undefined) {
        const now = performance.now();
        // Ask the database when the dispatcher says it is done, and every 500 ms regardless.
        if (probes.doneAt !== undefined || now - lastDbCheck > 500) {
          lastDbCheck = now;
          if ((await countDone(context, schema)) >= plan.unique) doneAt = performance.now();
        }
      }
      await delay(5);
    }
    const reading = cpu.stop();
    const totalMs = Math.max(storedAckedAt, doneAt) - started;

    // Let a late duplicate run show itself before counting (there must be none).
    await delay(250);
    const { rows } = await context.db.query(
      `SELECT (SELECT count(*)::int FROM "${schema}".inbox_messages) AS messages,
              (SELECT count(*)::int FROM "${schema}".inbox_handler_states WHERE status = 'done') AS done`,
    );
    await app.close();
    app = undefined;
    const after = await context.admin.checkQueue(queue);
    const dead = await context.admin.checkQueue(`${queue}.dead`);
    const handlerRuns = [...runs.values()].reduce((a, b) => a + b, 0);
    return {
      settings,
      deliveries: count,
      uniqueIds: plan.unique,
      handlerRuns,
      handledIds: runs.size,
      ranTwice: [...runs.values()].filter((n) => n > 1).length,
      storedMessages: rows[0].messages,
      doneStates: rows[0].done,
      storedAckedMs: storedAckedAt - started,
      doneMs: doneAt - started,
      totalMs,
      perSecond: count / (totalMs / 1000),
      storedBeforeBootstrap,
      receive: probes.receive,
      claim: probes.claim,
      settle: probes.settle,
      cpu: reading,
      leftInQueue: after.messageCount,
      deadLettered: dead.messageCount,
    };
  } finally {
    probes.restore();
    await app?.close().catch(() => undefined);
  }
}

async function countDone(context: BenchContext, schema: string): Promise<number> {
  const { rows } = await context.db.query(
    `SELECT count(*)::int AS n FROM "${schema}".inbox_handler_states WHERE status = 'done'`,
  );
  return rows[0].n;
}
