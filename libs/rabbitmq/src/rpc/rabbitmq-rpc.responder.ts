import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  InvalidOptionError,
  JsonCodec,
  type RequestResponder,
} from '@courier-nest/core';
import type { RabbitMQConnection } from '../connection/rabbitmq.connection';
import { RpcServeError } from './errors/rpc-serve.error';
import { RPC_ERROR_HEADER } from './rpc.constants';
import type {
  RabbitMQRpcResponderOptions,
  RpcErrorBody,
  RpcHandler,
  RpcRequestContext,
  RpcServeOptions,
} from './rpc.interfaces';
import { RpcMessages } from './rpc.messages';
import { toErrorBody } from './rpc-error-body';

/** One served queue: its handler and, while subscribed, its channel. */
interface Served {
  queue: string;
  handler: RpcHandler;
  prefetch: number;
  durable: boolean;
  channel?: Channel;
  consumerTag?: string;
  opening?: Promise<void>;
  retry?: NodeJS.Timeout;
}

interface Reply {
  body: string;
  error: boolean;
}

/** Wait before re-subscribing a queue whose channel the broker closed, so a fault cannot spin. */
const RESUBSCRIBE_DELAY_MS = 1_000;
/** An error message longer than this is cut: it must fit in a reply whatever the handler threw. */
const MAX_ERROR_MESSAGE_CHARS = 4_096;

/**
 * Serves requests sent by `RabbitMQRpcClient` (or any AMQP client using `replyTo` and
 * `correlationId`, such as golevelup's `@RabbitRPC` callers). Each served queue has its own
 * channel, so a queue the broker refuses does not stop the others, and is subscribed again
 * after a reconnect.
 *
 * Per request: the body is parsed with the safe JSON codec, the handler runs, and the reply
 * (or an error reply, header `x-courier-rpc-error: 1`) goes to `replyTo` with the request's
 * `correlationId`; the request is acked after the reply is written. A malformed body gets an
 * error reply and is acked too: it would fail the same way every time, so it never goes back.
 *
 * @example
 * await responder.serve('pricing.quote', async ({ sku, qty }: Quote) => prices.quote(sku, qty), { prefetch: 20 });
 */
export class RabbitMQRpcResponder implements RequestResponder, BeforeApplicationShutdown {
  private readonly logger = new Logger('RabbitMQRpcResponder');
  private readonly codec: JsonCodec;
  private readonly closeTimeoutMs: number;
  private readonly served = new Map<string, Served>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  private readonly listeners: Array<() => void>;

  constructor(
    private readonly connection: RabbitMQConnection,
    options: RabbitMQRpcResponderOptions = {},
  ) {
    this.codec = new JsonCodec(options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    if (!Number.isInteger(this.closeTimeoutMs) || this.closeTimeoutMs < 0) {
      throw new InvalidOptionError('closeTimeoutMs', RpcMessages.badCloseTimeout(options.closeTimeoutMs));
    }
    this.listeners = [connection.onConnect(() => this.served.forEach((served) => this.resubscribe(served)))];
  }

  /**
   * Declares `queue` (durable by default, never auto-delete) and handles its requests.
   * Connected: resolves once consuming, or rejects with `RpcServeError` (e.g. the queue
   * exists with other arguments). Not connected yet: resolves at once and starts consuming
   * when the connection comes up. Either way it consumes again after every reconnect.
   */
  async serve<P = unknown, R = unknown>(
    queue: string,
    handler: RpcHandler<P, R>,
    options: RpcServeOptions = {},
  ): Promise<void> {
    if (typeof queue !== 'string' || queue.length === 0) {
      throw new InvalidOptionError('queue', RpcMessages.badServeQueue);
    }
    if (typeof handler !== 'function') throw new InvalidOptionError('handler', RpcMessages.badHandler(queue));
    const prefetch = options.prefetch ?? 10;
    if (!Number.isInteger(prefetch) || prefetch < 1) {
      throw new InvalidOptionError('prefetch', RpcMessages.badPrefetch(prefetch));
    }
    if (this.closed) throw new RpcServeError(queue, RpcMessages.responderClosed);
    if (this.served.has(queue)) throw new InvalidOptionError('queue', RpcMessages.alreadyServed(queue));
    const served: Served = {
      queue,
      handler: handler as RpcHandler,
      prefetch,
      durable: options.durable ?? true,
    };
    this.served.set(queue, served);
    if (!this.connection.isConnected()) return;
    try {
      await this.subscribe(served);
    } catch (error) {
      this.served.delete(queue);
      throw error;
    }
  }

  /**
   * Stops taking requests, waits up to `closeTimeoutMs` for the running handlers (their
   * replies still go out), then closes the channels. A request whose handler was still
   * running is not acked and goes back to the queue for another responder, if it has not expired.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.forEach((unsubscribe) => unsubscribe());
    const served = [...this.served.values()];
    served.forEach((s) => clearTimeout(s.retry));
    await Promise.all(
      served.map((s) =>
        s.channel && s.consumerTag ? s.channel.cancel(s.consumerTag).catch(() => undefined) : undefined,
      ),
    );
    if (!(await settledWithin([...this.running], this.closeTimeoutMs))) {
      this.logger.warn(
        `${this.running.size} RPC handler(s) still running after ${this.closeTimeoutMs} ms; closing their channels`,
      );
    }
    await Promise.all(served.map((s) => s.channel?.close().catch(() => undefined)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private subscribe(served: Served): Promise<void> {
    if (served.channel || this.closed) return Promise.resolve();
    served.opening ??= this.open(served).finally(() => (served.opening = undefined));
    return served.opening;
  }

  /** Subscribes again in the background (after a reconnect or a closed channel); retries while connected. */
  private resubscribe(served: Served, delayMs = 0): void {
    clearTimeout(served.retry);
    served.retry = setTimeout(() => {
      served.retry = undefined;
      if (this.closed || this.served.get(served.queue) !== served || !this.connection.isConnected()) return;
      this.subscribe(served).catch((error: unknown) => {
        this.logger.warn((error as Error).message);
        this.resubscribe(served, RESUBSCRIBE_DELAY_MS);
      });
    }, delayMs);
  }

  private async open(served: Served): Promise<void> {
    let channel: Channel;
    try {
      channel = await this.connection.createChannel();
    } catch (error) {
      throw new RpcServeError(served.queue, this.connection.safe(error), { cause: error });
    }
    channel.on('error', (error: Error) =>
      this.logger.warn(
        `Channel of RPC queue "${served.queue}" closed by the broker: ${this.connection.safe(error)}`,
      ),
    );
    try {
      await channel.assertQueue(served.queue, { durable: served.durable, autoDelete: false });
      await channel.prefetch(served.prefetch);
      const { consumerTag } = await channel.consume(
        served.queue,
        (message) =>
          message ? this.track(served, channel, message) : channel.close().catch(() => undefined),
        { noAck: false },
      );
      served.consumerTag = consumerTag;
    } catch (error) {
      await channel.close().catch(() => undefined);
      throw new RpcServeError(served.queue, this.connection.safe(error), { cause: error });
    }
    served.channel = channel;
    channel.on('close', () => {
      if (served.channel !== channel) return;
      served.channel = undefined;
      served.consumerTag = undefined;
      // A reconnect subscribes everything again; this covers a channel closed on its own.
      if (!this.closed) this.resubscribe(served, RESUBSCRIBE_DELAY_MS);
    });
    if (this.closed) await channel.close().catch(() => undefined);
  }

  private track(served: Served, channel: Channel, message: ConsumeMessage): void {
    const run = this.respond(served, channel, message)
      .catch((error: unknown) =>
        this.logger.warn(`RPC request on "${served.queue}" not answered: ${this.connection.safe(error)}`),
      )
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async respond(served: Served, channel: Channel, message: ConsumeMessage): Promise<void> {
    const { replyTo, correlationId, messageId, headers } = message.properties;
    if (!replyTo) {
      this.logger.warn(RpcMessages.noReplyTo(served.queue, messageId));
      channel.ack(message);
      return;
    }
    const reply = await this.answer(served, message, {
      queue: served.queue,
      correlationId: correlationId === undefined ? undefined : String(correlationId),
      messageId: messageId === undefined ? undefined : String(messageId),
      headers: headers ?? {},
      redelivered: message.fields.redelivered,
    });
    // Written before the ack on the same channel, so the broker has the reply before it forgets the request.
    channel.publish('', String(replyTo), Buffer.from(reply.body, 'utf8'), {
      correlationId,
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      persistent: false,
      headers: reply.error ? { [RPC_ERROR_HEADER]: 1 } : {},
    });
    channel.ack(message);
  }

  /** The reply to send: the handler's result, or what went wrong, never a throw. */
  private async answer(served: Served, message: ConsumeMessage, context: RpcRequestContext): Promise<Reply> {
    let payload: unknown;
    try {
      payload = this.codec.decode(message.content);
    } catch (error) {
      return this.errorReply({
        ...toErrorBody(error),
        message: RpcMessages.malformedRequest((error as Error).message),
      });
    }
    let result: unknown;
    try {
      result = await served.handler(payload, context);
    } catch (error) {
      return this.errorReply(toErrorBody(error));
    }
    try {
      return { body: this.codec.encode(result === undefined ? null : result), error: false };
    } catch (error) {
      this.logger.warn(
        `RPC handler of "${served.queue}" returned a value that is not JSON: ${(error as Error).message}`,
      );
      return this.errorReply({
        ...toErrorBody(error),
        message: RpcMessages.notSerializableResult((error as Error).message),
      });
    }
  }

  private errorReply(body: RpcErrorBody): Reply {
    const message =
      body.message.length > MAX_ERROR_MESSAGE_CHARS
        ? `${body.message.slice(0, MAX_ERROR_MESSAGE_CHARS)}…`
        : body.message;
    // Plain JSON.stringify: the fields are a string and primitives, which it always encodes.
    return { body: JSON.stringify({ ...body, message }), error: true };
  }
}

/** True if all settled within `timeoutMs`. */
async function settledWithin(promises: Promise<unknown>[], timeoutMs: number): Promise<boolean> {
  if (promises.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const done = Promise.allSettled(promises).then(() => true);
  const settled = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return settled;
}
