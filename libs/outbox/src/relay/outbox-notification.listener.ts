import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Notification, PoolClient } from 'pg';
import { RESOLVED_OUTBOX_OPTIONS } from '../outbox.constants';
import type { ResolvedOutboxOptions } from '../outbox-options.resolver';
import { OutboxStore } from '../outbox.store';
import { OutboxRelay } from './outbox-relay.service';

const RECONNECT_DELAY_MS = 1_000;

/**
 * Holds one pooled connection in LISTEN on the outbox channel and wakes the relay on
 * every NOTIFY, so a commit in any instance is published within milliseconds. If the
 * connection drops it reconnects; meanwhile the relay's poll interval covers.
 */
@Injectable()
export class OutboxNotificationListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxNotificationListener');
  private client?: PoolClient;
  private reconnectTimer?: NodeJS.Timeout;
  private closing = false;

  constructor(
    @Inject(RESOLVED_OUTBOX_OPTIONS) private readonly options: ResolvedOutboxOptions,
    private readonly store: OutboxStore,
    private readonly relay: OutboxRelay,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.relay.enabled && this.options.notify) await this.listen();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.query(`UNLISTEN "${this.options.notifyChannel}"`).catch(() => undefined);
      client.release();
    }
  }

  isListening(): boolean {
    return this.client !== undefined;
  }

  private async listen(): Promise<void> {
    let client: PoolClient | undefined;
    try {
      client = await this.store.connect();
      client.on('notification', this.onNotification);
      client.on('error', this.onError);
      // The channel is derived from the validated schema name (an identifier).
      await client.query(`LISTEN "${this.options.notifyChannel}"`);
      this.client = client;
      // Anything committed while we were not listening is due now.
      this.relay.wake();
    } catch (error) {
      client?.release(error as Error);
      this.logger.warn(`LISTEN failed, retrying: ${(error as Error).message}`);
      this.scheduleReconnect();
    }
  }

  private readonly onNotification = (message: Notification): void => {
    if (message.channel === this.options.notifyChannel) this.relay.wake();
  };

  private readonly onError = (error: Error): void => {
    const client = this.client;
    this.client = undefined;
    client?.removeListener('notification', this.onNotification);
    client?.release(error);
    if (!this.closing) {
      this.logger.warn(`LISTEN connection lost, reconnecting: ${error.message}`);
      this.scheduleReconnect();
    }
  };

  private scheduleReconnect(): void {
    if (this.closing) return;
    this.reconnectTimer = setTimeout(() => void this.listen(), RECONNECT_DELAY_MS);
  }
}
