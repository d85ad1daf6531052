import { randomUUID } from 'node:crypto';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Channel, ConsumeMessage, Message } from 'amqplib';
import { DEFAULT_MAX_PAYLOAD_BYTES, JsonCodec, type RequestClient } from '@courier-nest/core';
import type { RabbitMQConnection } from '../connection/rabbitmq.connection';
import { RpcConnectionLostError } from './errors/rpc-connection-lost.error';
import { RpcNoResponderError } from './errors/rpc-no-responder.error';
import { RpcNotConnectedError } from './errors/rpc-not-connected.error';
import { RpcTimeoutError } from './errors/rpc-timeout.error';
import { PendingRequests } from './pending-requests';
import { DIRECT_REPLY_TO } from './rpc.constants';
import type { RabbitMQRpcClientOptions, RpcRequestOptions } from './rpc.interfaces';
import { readReply } from './rpc-reply.reader';
import { checkRequest } from './rpc-request.checks';

/** The channel replies come back on (direct reply-to is per channel) and the requests waiting on it. */
interface ReplyChannel {
  channel: Channel;
  pending: PendingRequests;
  closed: boolean;
}

/**
 * Request / response over RabbitMQ with direct reply-to: `request()` sends to a queue
 * through the default exchange and resolves with the responder's reply. One channel
 * carries all requests and one `noAck` consumer on `amq.rabbitmq.reply-to`, which hands
 * each reply to its request by correlation id. The channel is opened at the first request
 * and again after a reconnect.
 *
 * A request goes straight to the broker, never through the outbox, and is never buffered:
 * see docs/rpc.md for why, and for what a timeout does and does not tell the caller.
 *
 * @example
 * // in Nest: inject it (CourierRabbitMQModule provides it)
 * const total = await rpc.request<number>('pricing.quote', { sku: 'A-1', qty: 3 }, { timeoutMs: 2000 });
 * // outside Nest
 * const client = new RabbitMQRpcClient(createRabbitMQConnection({ uri }));
 */
export class RabbitMQRpcClient implements RequestClient, OnApplicationShutdown {
  private readonly logger = new Logger('RabbitMQRpcClient');
  private readonly codec: JsonCodec;
  private state?: ReplyChannel;
  private opening?: Promise<ReplyChannel>;
  /** Re-open after a reconnect only for a client in use, so an idle one holds no channel. */
  private used = false;
  private closed = false;
  private readonly listeners: Array<() => void>;

  constructor(
    private readonly connection: RabbitMQConnection,
    options: RabbitMQRpcClientOptions = {},
  ) {
    this.codec = new JsonCodec(options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
    this.listeners = [
      connection.onDisconnect(() => this.drop(this.state, 'the connection to RabbitMQ was lost')),
      connection.onConnect(() => {
        if (!this.used || this.closed) return;
        this.channel().catch((error) =>
          this.logger.warn(`Cannot open the reply channel: ${this.connection.safe(error)}`),
        );
      }),
    ];
  }

  /**
   * Sends `payload` (as JSON) to `queue` and resolves with the reply's JSON body.
   *
   * Rejects with `RpcTimeoutError` (no reply within `timeoutMs`), `RpcNoResponderError`
   * (no such queue), `RpcRemoteError` (the handler failed), `RpcNotConnectedError`
   * (broker down at call time; nothing was sent), `RpcConnectionLostError` (the connection
   * dropped while waiting; outcome unknown), `RpcMalformedReplyError`, or the codec's and
   * `InvalidMessageError` for a payload or options that cannot be sent.
   */
  async request<T = unknown>(queue: string, payload: unknown, options: RpcRequestOptions): Promise<T> {
    checkRequest(queue, options);
    const { timeoutMs, headers } = options;
    const content = Buffer.from(this.codec.encode(payload), 'utf8');
    if (this.closed) throw new RpcNotConnectedError(queue, true);
    if (!this.connection.isConnected()) throw new RpcNotConnectedError(queue);
    this.used = true;
    const startedAt = Date.now();
    const correlationId = randomUUID();
    const state = await this.channelWithin(queue, correlationId, timeoutMs);
    // Closed while we waited for it: its requests were already failed, this one would only time out.
    if (state.closed) throw new RpcNotConnectedError(queue);
    // Opening the channel spent part of the caller's time: the reply gets the rest.
    const remainingMs = Math.max(1, timeoutMs - (Date.now() - startedAt));
    const reply = state.pending.add<T>(
      correlationId,
      queue,
      remainingMs,
      () => new RpcTimeoutError(queue, correlationId, timeoutMs),
    );
    try {
      state.channel.publish('', queue, content, {
        replyTo: DIRECT_REPLY_TO,
        correlationId,
        // A request nobody took in time is dropped by the broker: it must not run after its caller gave up.
        expiration: String(remainingMs),
        mandatory: true,
        persistent: false,
        contentType: 'application/json',
        contentEncoding: 'utf-8',
        timestamp: Math.floor(startedAt / 1000),
        headers: headers ?? {},
      });
    } catch {
      // The channel closed under us: nothing was written.
      state.pending.reject(correlationId, new RpcNotConnectedError(queue));
    }
    return reply;
  }

  /** Rejects the waiting requests (`RpcConnectionLostError`) and closes the reply channel. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.forEach((unsubscribe) => unsubscribe());
    const state = this.state;
    this.drop(state, 'the client was closed');
    await state?.channel.close().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async channelWithin(
    queue: string,
    correlationId: string,
    timeoutMs: number,
  ): Promise<ReplyChannel> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RpcTimeoutError(queue, correlationId, timeoutMs)), timeoutMs);
    });
    try {
      return await Promise.race([
        this.channel().catch((error: unknown) => {
          this.logger.warn(`Cannot open the reply channel: ${this.connection.safe(error)}`);
          throw new RpcNotConnectedError(queue);
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private channel(): Promise<ReplyChannel> {
    if (this.state && !this.state.closed) return Promise.resolve(this.state);
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(): Promise<ReplyChannel> {
    const channel = await this.connection.createChannel();
    const state: ReplyChannel = { channel, pending: new PendingRequests(), closed: false };
    channel.on('error', (error: Error) =>
      this.logger.warn(`Reply channel closed by the broker: ${this.connection.safe(error)}`),
    );
    channel.on('close', () => this.drop(state, 'the reply channel closed'));
    channel.on('return', (message: Message) => this.onReturn(state, message));
    try {
      // Direct reply-to: the consumer must exist on this channel before the first publish names it.
      await channel.consume(
        DIRECT_REPLY_TO,
        (message) => (message ? this.onReply(state, message) : this.onCancelled(state)),
        { noAck: true },
      );
    } catch (error) {
      await channel.close().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await channel.close().catch(() => undefined);
      throw new Error('the client was closed');
    }
    this.state = state;
    return state;
  }

  private onReply(state: ReplyChannel, message: ConsumeMessage): void {
    const correlationId = String(message.properties.correlationId ?? '');
    const queue = state.pending.queueOf(correlationId);
    if (queue === undefined) {
      // Late (after its timeout), duplicate (a redelivered request answered twice) or not ours.
      this.logger.debug(`Dropped a reply for no waiting request (correlationId ${correlationId || 'none'})`);
      return;
    }
    const outcome = readReply(queue, correlationId, message.content, message.properties.headers, this.codec);
    if (outcome.ok) state.pending.resolve(correlationId, outcome.value);
    else state.pending.reject(correlationId, outcome.error);
  }

  /** A mandatory request the broker could not route: no queue has that name. */
  private onReturn(state: ReplyChannel, message: Message): void {
    const correlationId = String(message.properties.correlationId ?? '');
    const queue = state.pending.queueOf(correlationId);
    if (queue === undefined) return;
    // basic.return carries reply code and text, which amqplib's types leave out.
    const fields = message.fields as Message['fields'] & { replyCode?: number; replyText?: string };
    const reason = `${fields.replyCode ?? ''} ${fields.replyText ?? 'returned'}`.trim();
    state.pending.reject(correlationId, new RpcNoResponderError(queue, correlationId, reason));
  }

  private onCancelled(state: ReplyChannel): void {
    this.drop(state, 'the broker cancelled the reply consumer');
    state.channel.close().catch(() => undefined);
  }

  /** Forgets the channel and fails its waiting requests: their replies can no longer arrive. */
  private drop(state: ReplyChannel | undefined, reason: string): void {
    if (!state) return;
    state.closed = true;
    if (this.state === state) this.state = undefined;
    state.pending.rejectAll(
      (correlationId, queue) => new RpcConnectionLostError(queue, correlationId, reason),
    );
  }
}
