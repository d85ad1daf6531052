import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connect, type Channel, type ConfirmChannel, type RecoveringChannelModel } from 'amqplib';
import { redactUrl, scrubUrlSecrets } from '@courier-nest/core/internal';
import { RESOLVED_RABBITMQ_OPTIONS, type ResolvedRabbitMQOptions } from '../rabbitmq-options.resolver';
import { corkFrameWrites } from './corked-frame-writes';

type ConnectionListener = () => void;

/**
 * One AMQP connection per application, recovered by amqplib after a drop (exponential
 * backoff with jitter). Channels do not survive a reconnect: users listen to
 * `onConnect` and open new ones. Bootstrap does not wait for the broker: health
 * reports it down until it is reached, and publishers report not ready.
 */
@Injectable()
export class RabbitMQConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RabbitMQConnection');
  private model?: RecoveringChannelModel;
  private connected = false;
  private blocked = false;
  private readonly connectListeners = new Set<ConnectionListener>();
  private readonly disconnectListeners = new Set<ConnectionListener>();

  constructor(@Inject(RESOLVED_RABBITMQ_OPTIONS) private readonly options: ResolvedRabbitMQOptions) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  /** Opens the connection (Nest calls this at module init); recovery starts with it. */
  async connect(): Promise<void> {
    if (this.model) return;
    const { initialDelayMs, maxDelayMs } = this.options.reconnect;
    this.model = await connect(this.options.uri, {
      clientProperties: { connection_name: this.options.connectionName },
      recovery: { initialDelay: initialDelayMs, maxDelay: maxDelayMs, waitForConnect: false },
    });
    this.model.on('connect', (model: unknown) => {
      if (!corkFrameWrites(model))
        this.logger.debug('amqplib internals not as expected: frames are written one by one');
      this.connected = true;
      this.blocked = false; // a new connection starts unblocked; the broker says otherwise
      this.logger.log(`Connected to ${redactUrl(this.options.uri)}`);
      this.connectListeners.forEach((listener) => listener());
    });
    this.model.on('disconnect', (error: Error) => {
      this.connected = false;
      this.logger.warn(`Connection lost (${this.safe(error)}); reconnecting`);
      this.disconnectListeners.forEach((listener) => listener());
    });
    this.model.on('connect-failed', (error: Error) =>
      this.logger.warn(`Cannot connect: ${this.safe(error)}`),
    );
    this.model.on('error', (error: Error) => this.logger.warn(`Connection error: ${this.safe(error)}`));
    this.model.on('blocked', (reason: string) => {
      this.blocked = true;
      this.logger.warn(`Broker blocked publishing: ${reason}`);
    });
    this.model.on('unblocked', () => {
      this.blocked = false;
      this.logger.log('Broker unblocked publishing');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Closes the connection and stops recovering it (Nest calls this at shutdown). */
  async close(): Promise<void> {
    this.connected = false;
    await this.model?.close().catch(() => undefined);
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** True while the broker refuses publishes (memory or disk alarm): publishers wait. */
  isBlocked(): boolean {
    return this.blocked;
  }

  /** Resolves once connected (at once if already), or rejects after `timeoutMs`. */
  waitUntilConnected(timeoutMs = 10_000): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.connectListeners.delete(onConnect);
        reject(new Error(`RabbitMQ not reachable at ${redactUrl(this.options.uri)} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnect = () => {
        clearTimeout(timer);
        this.connectListeners.delete(onConnect);
        resolve();
      };
      this.connectListeners.add(onConnect);
    });
  }

  onConnect(listener: ConnectionListener): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  onDisconnect(listener: ConnectionListener): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  async createConfirmChannel(): Promise<ConfirmChannel> {
    if (!this.model || !this.connected) throw new Error('RabbitMQ is not connected');
    return this.model.createConfirmChannel();
  }

  async createChannel(): Promise<Channel> {
    if (!this.model || !this.connected) throw new Error('RabbitMQ is not connected');
    return this.model.createChannel();
  }

  /** An error's message with any credential of the URI (or of any URL) removed, for logs. */
  safe(error: unknown): string {
    return scrubUrlSecrets(error instanceof Error ? error.message : String(error), this.options.uri);
  }
}
