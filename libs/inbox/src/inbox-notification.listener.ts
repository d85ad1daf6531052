import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { PgListener } from '@courier-nest/core/internal';
import { InboxDispatcher } from './dispatcher/inbox-dispatcher.service';
import { INBOX_DATA_SOURCE, RESOLVED_INBOX_OPTIONS } from './inbox.constants';
import type { ResolvedInboxOptions } from './inbox-options.resolver';

/** Wakes the dispatcher on every NOTIFY of the inbox channel: a receive in any process. */
@Injectable()
export class InboxNotificationListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly listener: PgListener;

  constructor(
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
    @Inject(INBOX_DATA_SOURCE) dataSource: DataSource,
    dispatcher: InboxDispatcher,
  ) {
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    this.listener = new PgListener(
      () => pool.connect(),
      options.notifyChannel,
      () => dispatcher.wake(),
      new Logger('InboxNotificationListener'),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.dispatcher.enabled) await this.listener.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.listener.stop();
  }
}
