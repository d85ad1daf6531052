import type { Provider } from '@nestjs/common';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { OutboxConfigurationError } from './errors/outbox-configuration.error';
import type { OutboxModuleOptions } from './interfaces/outbox-options.interface';
import { OUTBOX_DATA_SOURCE, RESOLVED_OUTBOX_OPTIONS } from './outbox.constants';
import { OutboxMessages } from './outbox.messages';
import { OUTBOX_MODULE_OPTIONS } from './outbox.module-definition';
import { resolveOutboxOptions, type ResolvedOutboxOptions } from './outbox-options.resolver';
import { OutboxDeadSql } from './outbox-dead.sql';
import { OutboxDeadStore } from './outbox-dead.store';
import { OutboxSql } from './outbox.sql';
import { OutboxStore } from './outbox.store';
import { OutboxConnections } from './outbox-connections';
import { OutboxScheduleSql } from './outbox-schedule.sql';
import { OutboxScheduleStore } from './outbox-schedule.store';
import { OutboxCommitSubscriber } from './relay/outbox-commit.subscriber';
import { OutboxRelay } from './relay/outbox-relay.service';
import { ScheduledMessagesMover } from './relay/scheduled-messages.mover';

export const outboxCoreProviders: Provider[] = [
  {
    provide: RESOLVED_OUTBOX_OPTIONS,
    useFactory: (options: OutboxModuleOptions) => resolveOutboxOptions(options),
    inject: [OUTBOX_MODULE_OPTIONS],
  },
  {
    // Two per claimer (its next claim beside its last batch's settle), the renewals, the
    // LISTEN and one spare.
    provide: OutboxConnections,
    useFactory: (options: ResolvedOutboxOptions, dataSource: DataSource) =>
      new OutboxConnections(postgresPool(dataSource), 2 * options.relay.concurrency + 3),
    inject: [RESOLVED_OUTBOX_OPTIONS, OUTBOX_DATA_SOURCE],
  },
  {
    // The relay talks to node-postgres directly (named prepared statements, LISTEN), on
    // connections of its own; a publish writes on the caller's transaction.
    provide: OutboxStore,
    useFactory: (options: ResolvedOutboxOptions, connections: OutboxConnections) =>
      new OutboxStore(connections.pool, new OutboxSql(options.schema)),
    inject: [RESOLVED_OUTBOX_OPTIONS, OutboxConnections],
  },
  {
    provide: OutboxScheduleStore,
    useFactory: (store: OutboxStore, options: ResolvedOutboxOptions, dataSource: DataSource) =>
      new OutboxScheduleStore(postgresPool(dataSource), new OutboxScheduleSql(options.schema), store.sql),
    inject: [OutboxStore, RESOLVED_OUTBOX_OPTIONS, OUTBOX_DATA_SOURCE],
  },
  {
    provide: OutboxDeadStore,
    useFactory: (options: ResolvedOutboxOptions, dataSource: DataSource) =>
      new OutboxDeadStore(postgresPool(dataSource), new OutboxDeadSql(options.schema)),
    inject: [RESOLVED_OUTBOX_OPTIONS, OUTBOX_DATA_SOURCE],
  },
  {
    provide: OutboxCommitSubscriber,
    useFactory: (relay: OutboxRelay, mover: ScheduledMessagesMover, dataSource: DataSource) => {
      const subscriber = new OutboxCommitSubscriber(
        (seqs) => relay.wake(seqs),
        (dueInMs) => mover.offer(dueInMs),
      );
      dataSource.subscribers.push(subscriber);
      return subscriber;
    },
    inject: [OutboxRelay, ScheduledMessagesMover, OUTBOX_DATA_SOURCE],
  },
];

function postgresPool(dataSource: DataSource): Pool {
  if (dataSource.options.type !== 'postgres') {
    throw new OutboxConfigurationError(OutboxMessages.notPostgres(dataSource.options.type));
  }
  return (dataSource.driver as unknown as { master: Pool }).master;
}
