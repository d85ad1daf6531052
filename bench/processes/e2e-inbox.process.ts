/**
 * The consuming service of bench:e2e in its own process: an inbox app fed from
 * RabbitMQ or the PostgreSQL transport (the bridge and the dispatcher at their defaults) with one trivial
 * @InboxHandler for the exchange the producer publishes to. It stamps, on the shared
 * clock, when each message's handler ran and when the bridge's store of it committed
 * (a wrapper on the inbox store's insert, one stamp per message); `report` replies with
 * the stamps gathered since the last report.
 */
import 'reflect-metadata';
import { InboxStore } from '@courier-nest/inbox/inbox.store';
import { PostgresInboxBridge } from '@courier-nest/postgres';
import { RabbitMQInboxBridge } from '@courier-nest/rabbitmq';
import { createInboxApp } from '../../test/harness/inbox-app';
import { waitFor } from '../../test/harness/wait-for';
import { trivialHandlerProvider } from '../support/inbox-messages';
import { sharedNowMs } from '../support/shared-clock';
import { runMain, serveBench } from './process-ipc';

const config = JSON.parse(process.argv[2]) as {
  schema: string;
  serviceName: string;
  eventType: string;
  /** The PostgreSQL transport's schema; RabbitMQ when absent. */
  busSchema?: string;
};

runMain(async () => {
  let done = new Map<string, number>();
  let stored = new Map<string, number>();
  const ran = new Set<string>();
  let ranTwice = 0;
  // The store statement (its own transaction), not receiveMany: a message claimed as it
  // is stored may start its handler before receiveMany returns.
  const receive = InboxStore.prototype.receive;
  InboxStore.prototype.receive = async function (this: InboxStore, ...args) {
    const results = await receive.apply(this, args);
    const at = sharedNowMs();
    for (const message of args[1]) stored.set(message.id, at);
    return results;
  };
  const handler = trivialHandlerProvider(config.eventType, 'bench_e2e', (id) => {
    if (ran.has(id)) ranTwice++;
    ran.add(id);
    done.set(id, sharedNowMs());
  });
  const app = await createInboxApp({
    inbox: { schema: config.schema, serviceName: config.serviceName },
    handlers: [handler],
    rabbitmq: { connectionName: 'courier-bench-e2e-inbox' },
    postgres: config.busSchema ? { schema: config.busSchema } : undefined,
  });
  const bridge = config.busSchema ? app.get(PostgresInboxBridge) : app.get(RabbitMQInboxBridge);
  await waitFor(() => bridge.consumers().attached === 1, 'the inbox consumer', { timeoutMs: 30_000 });

  serveBench(
    {
      report: () => {
        const reply = { type: 'report', done: [...done], stored: [...stored], ranTwice };
        done = new Map();
        stored = new Map();
        return reply;
      },
    },
    () => app.close(),
  );
});
