import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ConfirmChannel, Message } from 'amqplib';
import type { OutboxDelivery, OutboxPublisher, PublishResult } from '@courier-nest/core';
import { raceDeadline, toAmqpPublish } from '@courier-nest/core/internal';
import { RabbitMQConnection } from '../connection/rabbitmq.connection';
import { RESOLVED_RABBITMQ_OPTIONS, type ResolvedRabbitMQOptions } from '../rabbitmq-options.resolver';
import { ExchangeChecker } from './exchange-checker';

/** A confirm channel and what happened on it; replaced whenever it closes. */
interface ChannelState {
  channel: ConfirmChannel;
  closed: boolean;
  /** Set when the broker closed the channel (e.g. 404 no exchange): a real failure. */
  error?: string;
  /** messageId → reply text, for mandatory messages the broker returned as unroutable. */
  returned: Map<string, string>;
  waiters: Set<() => void>;
}

/**
 * The outbox's transport on RabbitMQ: each batch goes out pipelined on one confirm
 * channel with `mandatory`, then the publisher waits for all confirms at once. A
 * message counts as confirmed only if acked and not returned (RabbitMQ sends
 * basic.return before the ack of an unroutable mandatory message).
 */
@Injectable()
export class RabbitMQOutboxPublisher implements OutboxPublisher, OnModuleInit {
  private readonly logger = new Logger('RabbitMQOutboxPublisher');
  private state?: ChannelState;
  private opening?: Promise<ChannelState>;
  private readonly exchanges: ExchangeChecker;

  constructor(
    private readonly connection: RabbitMQConnection,
    @Inject(RESOLVED_RABBITMQ_OPTIONS) private readonly options: ResolvedRabbitMQOptions,
  ) {
    this.exchanges = new ExchangeChecker(connection, options.declareExchanges);
  }

  onModuleInit(): void {
    // A new connection has no channel and may face a broker that lost its exchanges.
    this.connection.onDisconnect(() => {
      this.state = undefined;
      this.exchanges.reset();
    });
  }

  /** Connected and not blocked by a broker resource alarm. */
  isReady(): boolean {
    return this.connection.isConnected() && !this.connection.isBlocked();
  }

  async publishBatch(messages: readonly OutboxDelivery[]): Promise<PublishResult[]> {
    if (!this.connection.isConnected()) return messages.map(() => unsent('broker not connected'));
    if (this.connection.isBlocked())
      return messages.map(() => unsent('broker blocked publishing (resource alarm)'));
    // One deadline for the whole batch: opening, flow control (a blocked broker stops
    // draining the socket) and confirms. A batch must not outlive its lease.
    const deadline = Date.now() + this.options.confirmTimeoutMs;
    const timeoutError = `no confirm within ${this.options.confirmTimeoutMs} ms`;
    let state: ChannelState;
    let unusable: Map<string, string>;
    try {
      const opened = await raceDeadline(
        Promise.all([this.channel(), this.exchanges.unusable(messages.map((m) => m.destination))]),
        deadline - Date.now(),
      );
      if (opened.timedOut) return messages.map(() => unsent(CHANNEL_TIMEOUT));
      [state, unusable] = opened.value;
    } catch (error) {
      return messages.map(() => unsent(this.connection.safe(error)));
    }

    const results: Array<PublishResult | undefined> = new Array(messages.length);
    const confirms: Promise<void>[] = [];
    let written = 0;
    for (; written < messages.length; written++) {
      // Each confirm callback needs its own index, not the loop's counter.
      const i = written;
      const problem = unusable.get(messages[i].destination);
      if (problem !== undefined) {
        results[i] = { status: 'failed', reason: 'channel-error', error: problem };
        continue;
      }
      if (state.closed) {
        results[i] = this.closedResult(state, 'channel closed before publish');
        continue;
      }
      const { exchange, routingKey, content, options } = toAmqpPublish(messages[i]);
      const messageId = messages[i].id;
      let flushed = true;
      confirms.push(
        new Promise<void>((resolve) => {
          try {
            flushed = state.channel.publish(exchange, routingKey, content, options, (error: unknown) => {
              results[i] = this.outcome(state, messageId, error);
              resolve();
            });
          } catch (error) {
            results[i] = this.closedResult(state, this.connection.safe(error));
            resolve();
          }
        }),
      );
      if (!flushed && !(await this.drained(state, deadline))) {
        written++;
        break;
      }
    }
    // Never written (the broker held the socket past the deadline): not an attempt.
    for (let i = written; i < messages.length; i++) {
      results[i] ??= unsent('broker applied flow control until the deadline');
    }
    const { timedOut } = await raceDeadline(Promise.all(confirms), deadline - Date.now());
    if (timedOut) {
      // Late confirms must not leak into another batch's view of this channel.
      this.discard(state, timeoutError);
    }
    return results.map((result) => result ?? { status: 'failed', reason: 'timeout', error: timeoutError });
  }

  private outcome(state: ChannelState, messageId: string, error: unknown): PublishResult {
    const returned = state.returned.get(messageId);
    if (returned !== undefined) {
      state.returned.delete(messageId);
      if (!error) return { status: 'failed', reason: 'returned', error: returned };
    }
    if (!error) return { status: 'confirmed' };
    const text = this.connection.safe(error);
    if (text.includes('nacked'))
      return { status: 'failed', reason: 'nacked', error: 'broker nacked the message' };
    return this.closedResult(state, text);
  }

  /** A closed channel: the broker's reason if it closed it (counts), else the connection went (does not). */
  private closedResult(state: ChannelState, fallback: string): PublishResult {
    return state.error ? { status: 'failed', reason: 'channel-error', error: state.error } : unsent(fallback);
  }

  private channel(): Promise<ChannelState> {
    if (this.state && !this.state.closed) return Promise.resolve(this.state);
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(): Promise<ChannelState> {
    const channel = await this.connection.createConfirmChannel();
    const state: ChannelState = { channel, closed: false, returned: new Map(), waiters: new Set() };
    channel.on('return', (message: Message) => {
      // basic.return carries reply code and text, which amqplib's types leave out.
      const fields = message.fields as Message['fields'] & { replyCode?: number; replyText?: string };
      const reason = `${fields.replyCode ?? ''} ${fields.replyText ?? 'returned'}`.trim();
      state.returned.set(
        String(message.properties.messageId),
        `unroutable: ${reason} (no queue bound to exchange "${fields.exchange}" for "${fields.routingKey}")`,
      );
    });
    channel.on('error', (error: Error) => {
      state.error = this.connection.safe(error);
      this.logger.warn(`Publish channel closed by broker: ${state.error}`);
      // An exchange may have been deleted since it was checked: check again.
      this.exchanges.reset();
    });
    channel.on('drain', () => this.wakeWaiters(state));
    channel.on('close', () => {
      state.closed = true;
      if (this.state === state) this.state = undefined;
      this.wakeWaiters(state);
    });
    this.state = state;
    return state;
  }

  /** Resolves true once the channel drains (or closes), false at the deadline. */
  private drained(state: ChannelState, deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (state.closed) return resolve(true);
      const timer = setTimeout(
        () => {
          state.waiters.delete(wake);
          resolve(false);
        },
        Math.max(0, deadline - Date.now()),
      );
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      state.waiters.add(wake);
    });
  }

  private wakeWaiters(state: ChannelState): void {
    state.waiters.forEach((wake) => wake());
    state.waiters.clear();
  }

  private discard(state: ChannelState, reason: string): void {
    this.logger.warn(`Discarding publish channel: ${reason}`);
    state.closed = true;
    if (this.state === state) this.state = undefined;
    state.channel.close().catch(() => undefined);
  }
}

const CHANNEL_TIMEOUT = 'timed out opening a channel';

function unsent(error: string): PublishResult {
  return { status: 'unsent', error };
}
