import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Notification, Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { InboxDispatcher } from './dispatcher/inbox-dispatcher.service';
import { INBOX_DATA_SOURCE, RESOLVED_INBOX_OPTIONS } from './inbox.constants';
import type { ResolvedInboxOptions } from './inbox-options.resolver';

/** LISTENs on the inbox channel so a receive in any process wakes this dispatcher. */
@Injectable()
export class InboxNotificationListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InboxNotificationListener');
  private client?: PoolClient;
  private timer?: NodeJS.Timeout;
  private closing = false;

  constructor(
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
    @Inject(INBOX_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly dispatcher: InboxDispatcher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.dispatcher.enabled) await this.listen();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    client?.release();
  }

  private async listen(): Promise<void> {
    let client: PoolClient | undefined;
    try {
      client = await (this.dataSource.driver as unknown as { master: Pool }).master.connect();
      client.on(
        'notification',
        (n: Notification) => n.channel === this.options.notifyChannel && this.dispatcher.wake(),
      );
      client.on('error', (error: Error) => this.reconnect(error));
      // The channel derives from the validated schema name.
      await client.query(`LISTEN "${this.options.notifyChannel}"`);
      this.client = client;
      this.dispatcher.wake();
    } catch (error) {
      client?.release(error as Error);
      this.reconnect(error as Error);
    }
  }

  private reconnect(error: Error): void {
    const client = this.client;
    this.client = undefined;
    client?.release(error);
    if (this.closing) return;
    this.logger.warn(`LISTEN connection lost, reconnecting: ${error.message}`);
    this.timer = setTimeout(() => void this.listen(), 1_000);
  }
}
