import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { OutboxDelivery, OutboxPublisher, PublishResult } from '@courier-nest/core';
import { raceDeadline, toAmqpPublish } from '@courier-nest/core/internal';
import { GolevelupConnection } from '../connection/golevelup-connection';
import type { AmqpConfirmChannel, AmqpReturnedMessage } from '../connection/golevelup.types';
import { RESOLVED_GOLEVELUP_OPTIONS } from '../golevelup.constants';
import type { ResolvedGolevelupOptions } from '../golevelup-options.resolver';

/** A confirm channel of ours and what happened on it; replaced whenever it closes. */
interface ChannelState {
  channel: AmqpConfirmChannel;
  closed: boolean;
  /** Set when the broker closed the channel (e.g. 404 no exchange): a real failure. */
  error?: string;
  /** messageId → reply text, for mandatory messages the broker returned as unroutable. */
  returned: Map<string, string>;
  /** Publishes waiting for a confirm: settled as the channel closes, whatever amqplib does. */
  pending: Set<() => void>;
  /** Writers waiting for the socket to drain. */
  waiters: Set<() => void>;
}

/**
 * The outbox's transport over golevelup's connection: a confirm channel of its own on the
 * amqplib connection golevelup's amqp-connection-manager holds (one TCP connection for the
 * app). Not through golevelup's `publish()`: its ChannelWrapper keeps publishes in memory
 * while disconnected and sends them later, and it never reports basic.return, so a row
 * would leave the outbox for a message nobody received. Here a message counts as
 * confirmed only if the broker acked it and did not return it (`mandatory`); while
 * disconnected nothing is buffered: the batch is 'unsent' and stays in the outbox.
 */
@Injectable()
export class GolevelupOutboxPublisher
  implements OutboxPublisher, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('GolevelupOutboxPublisher');
  private state?: ChannelState;
  private opening?: Promise<ChannelState>;
  private blocked = false;
  private readonly onDisconnect = () => {
    if (this.state) this.close(this.state, 'connection lost');
  };
  private readonly onBlocked = () => (this.blocked = true);
  private readonly onUnblocked = () => (this.blocked = false);

  constructor(
    private readonly connection: GolevelupConnection,
    @Inject(RESOLVED_GOLEVELUP_OPTIONS) private readonly options: ResolvedGolevelupOptions,
  ) {}

  onApplicationBootstrap(): void {
    const managed = this.connection.managed;
    managed.on('disconnect', this.onDisconnect);
    managed.on('blocked', this.onBlocked);
    managed.on('unblocked', this.onUnblocked);
  }

  /** golevelup's connection is up and the broker does not block publishing. */
  isReady(): boolean {
    const managed = this.connection.managed;
    return managed.isConnected() && managed.connection !== undefined && !this.blocked;
  }

  async publishBatch(messages: readonly OutboxDelivery[]): Promise<PublishResult[]> {
    if (!this.isReady()) {
      const reason = this.blocked ? 'broker blocked publishing (resource alarm)' : 'broker not connected';
      return messages.map(() => unsent(reason));
    }
    // One deadline for the whole batch: opening, flow control and confirms.
    const deadline = Date.now() + this.options.confirmTimeoutMs;
    let state: ChannelState;
    try {
      const opened = await raceDeadline(this.channel(), deadline - Date.now());
      if (opened.timedOut) return messages.map(() => unsent(CHANNEL_TIMEOUT));
      state = opened.value;
    } catch (error) {
      return messages.map(() => unsent(text(error)));
    }

    const results: Array<PublishResult | undefined> = new Array(messages.length);
    const confirms: Promise<void>[] = [];
    let written = 0;
    for (; written < messages.length; written++) {
      const i = written;
      if (state.closed) {
        results[i] = closedResult(state, 'channel closed before publish');
        continue;
      }
      const { exchange, routingKey, content, options } = toAmqpPublish(messages[i]);
      const messageId = messages[i].id;
      let flushed = true;
      confirms.push(
        new Promise<void>((resolve) => {
          const settle = (result: PublishResult) => {
            state.pending.delete(onClose);
            results[i] ??= result;
            resolve();
          };
          const onClose = () => settle(closedResult(state, 'channel closed before the confirm'));
          state.pending.add(onClose);
          try {
            flushed = state.channel.publish(exchange, routingKey, content, options, (error: unknown) =>
              settle(outcome(state, messageId, error)),
            );
          } catch (error) {
            settle(closedResult(state, text(error)));
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
    const timeoutError = `no confirm within ${this.options.confirmTimeoutMs} ms`;
    if ((await raceDeadline(Promise.all(confirms), deadline - Date.now())).timedOut) {
      // Late confirms must not leak into another batch's view of this channel.
      this.close(state, timeoutError);
    }
    return results.map((result) => result ?? { status: 'failed', reason: 'timeout', error: timeoutError });
  }

  async beforeApplicationShutdown(): Promise<void> {
    const managed = this.connection.managed;
    managed.removeListener('disconnect', this.onDisconnect);
    managed.removeListener('blocked', this.onBlocked);
    managed.removeListener('unblocked', this.onUnblocked);
    // Before golevelup closes the connection (its onApplicationShutdown).
    if (this.state) this.close(this.state, 'shutdown');
  }

  private channel(): Promise<ChannelState> {
    if (this.state && !this.state.closed) return Promise.resolve(this.state);
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(): Promise<ChannelState> {
    const connection = this.connection.managed.connection;
    if (!connection) throw new Error('broker not connected');
    const channel = await connection.createConfirmChannel();
    const state: ChannelState = {
      channel,
      closed: false,
      returned: new Map(),
      pending: new Set(),
      waiters: new Set(),
    };
    channel.on('return', (message: AmqpReturnedMessage) => {
      const { fields } = message;
      const reason = `${fields.replyCode ?? ''} ${fields.replyText ?? 'returned'}`.trim();
      state.returned.set(
        String(message.properties.messageId),
        `unroutable: ${reason} (no queue bound to exchange "${fields.exchange}" for "${fields.routingKey}")`,
      );
    });
    channel.on('error', (error: Error) => {
      state.error = error.message;
      this.logger.warn(`Publish channel closed by the broker: ${state.error}`);
    });
    channel.on('drain', () => wake(state.waiters));
    channel.on('close', () => this.close(state, 'channel closed'));
    this.state = state;
    return state;
  }

  /** Marks the channel closed, settles what waits on it, and closes it if still open. */
  private close(state: ChannelState, reason: string): void {
    if (this.state === state) this.state = undefined;
    if (state.closed) return;
    state.closed = true;
    if (reason !== 'channel closed' && reason !== 'shutdown')
      this.logger.warn(`Discarding publish channel: ${reason}`);
    wake(state.pending);
    wake(state.waiters);
    state.channel.close().catch(() => undefined);
  }

  /** Resolves true once the channel drains (or closes), false at the deadline. */
  private drained(state: ChannelState, deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (state.closed) return resolve(true);
      const onDrain = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          state.waiters.delete(onDrain);
          resolve(false);
        },
        Math.max(0, deadline - Date.now()),
      );
      state.waiters.add(onDrain);
    });
  }
}

/** Acked and not returned: confirmed. Returned (basic.return comes before the ack): failed. */
function outcome(state: ChannelState, messageId: string, error: unknown): PublishResult {
  const returned = state.returned.get(messageId);
  if (returned !== undefined) {
    state.returned.delete(messageId);
    if (!error) return { status: 'failed', reason: 'returned', error: returned };
  }
  if (!error) return { status: 'confirmed' };
  const message = text(error);
  if (message.includes('nacked'))
    return { status: 'failed', reason: 'nacked', error: 'broker nacked the message' };
  return closedResult(state, message);
}

/** A closed channel: the broker's reason if it closed it (counts), else the connection went (does not). */
function closedResult(state: ChannelState, fallback: string): PublishResult {
  return state.error ? { status: 'failed', reason: 'channel-error', error: state.error } : unsent(fallback);
}

const CHANNEL_TIMEOUT = 'timed out opening a channel';

function unsent(error: string): PublishResult {
  return { status: 'unsent', error };
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function wake(listeners: Set<() => void>): void {
  const all = [...listeners];
  listeners.clear();
  all.forEach((listener) => listener());
}
