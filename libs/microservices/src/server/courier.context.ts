import { BaseRpcContext } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import type { InboxHandlerContext, InboxMessage } from '@courier-nest/inbox';

type CourierContextArgs = [message: InboxMessage, run: InboxHandlerContext];

/**
 * What an `@EventPattern` handler run by `CourierServer` gets as `@Ctx()`: the stored inbox
 * message and this run of its handler.
 *
 * @example
 * @EventPattern('order_events')
 * reserve(@Payload() order: OrderCreated, @Ctx() ctx: CourierContext) {
 *   if (ctx.getType() !== 'order_created') return;
 * }
 */
export class CourierContext extends BaseRpcContext<CourierContextArgs> {
  /** The producer's message id; the inbox stored the message once under it. */
  getMessageId(): string {
    return this.args[0].id;
  }

  /** The pattern the message came in under: the destination (on RabbitMQ, the exchange). */
  getEventType(): string {
    return this.args[0].eventType;
  }

  /** The producer's message type (e.g. `order_created`), or null if it sent none. */
  getType(): string | null {
    return this.args[0].type;
  }

  /** Wire metadata: correlation / causation ids, trace context, user headers. */
  getHeaders(): Record<string, string> {
    return this.args[0].headers;
  }

  /** The inbox key of the handler running: its status, attempts and dead state are its own. */
  getHandlerKey(): string {
    return this.args[1].handlerKey;
  }

  /** 1 for the first run of this handler for this message; a retry is the same message, not a duplicate. */
  getAttempt(): number {
    return this.args[1].attempt;
  }

  /** The message's W3C `traceparent`, when well formed. */
  getTraceparent(): string | undefined {
    return this.args[1].traceparent;
  }

  /** Aborted when the run exceeds its timeout: stop work, the attempt fails and is retried. */
  getSignal(): AbortSignal {
    return this.args[1].signal;
  }

  /**
   * With `@EventPattern(pattern, { transactional: true })`: the transaction that also marks
   * the handler done, so effects made through it commit exactly when the done-mark does.
   */
  getManager(): EntityManager | undefined {
    return this.args[1].manager;
  }

  /** The whole stored message. */
  getMessage(): InboxMessage {
    return this.args[0];
  }
}
