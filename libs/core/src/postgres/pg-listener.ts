import type { Notification, PoolClient } from 'pg';
import { quoteIdentifier } from '../sql/sql-identifier';

const RECONNECT_DELAY_MS = 1_000;

export interface PgListenerLogger {
  warn(message: string): void;
}

/**
 * Holds one pooled connection in LISTEN on a channel and calls `onNotify` for each
 * NOTIFY on it, with its payload. If the connection drops it reconnects every second;
 * `onNotify` is also called once (re)connected, since anything sent meanwhile was missed.
 */
export class PgListener {
  private client?: PoolClient;
  private timer?: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly connect: () => Promise<PoolClient>,
    private readonly channel: string,
    /** With the notification's payload; with none once (re)connected (anything may have been missed). */
    private readonly onNotify: (payload?: string) => void,
    private readonly logger: PgListenerLogger,
  ) {}

  isListening(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    this.closing = false;
    let client: PoolClient | undefined;
    try {
      client = await this.connect();
      client.on('notification', this.onNotification);
      client.on('error', this.onError);
      await client.query(`LISTEN ${quoteIdentifier(this.channel, 'notify channel')}`);
      this.client = client;
      this.onNotify();
    } catch (error) {
      client?.release(error as Error);
      this.logger.warn(`LISTEN ${this.channel} failed, retrying: ${(error as Error).message}`);
      this.scheduleReconnect();
    }
  }

  async stop(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeListener('notification', this.onNotification);
    await client.query(`UNLISTEN ${quoteIdentifier(this.channel, 'notify channel')}`).catch(() => undefined);
    client.release();
  }

  private readonly onNotification = (message: Notification): void => {
    if (message.channel === this.channel) this.onNotify(message.payload);
  };

  private readonly onError = (error: Error): void => {
    const client = this.client;
    this.client = undefined;
    client?.removeListener('notification', this.onNotification);
    client?.release(error);
    if (this.closing) return;
    this.logger.warn(`LISTEN ${this.channel} connection lost, reconnecting: ${error.message}`);
    this.scheduleReconnect();
  };

  private scheduleReconnect(): void {
    if (!this.closing) this.timer = setTimeout(() => void this.start(), RECONNECT_DELAY_MS);
  }
}
