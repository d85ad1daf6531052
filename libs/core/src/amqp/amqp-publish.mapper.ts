import { WireHeaders } from '../envelope/wire-headers';
import type { OutboxDelivery } from '../ports/outbox-publisher.port';

/**
 * The publish options the wire format sets. Declared here, structurally, so core needs no
 * AMQP client: it fits amqplib's `Options.Publish` of any version.
 */
export interface AmqpPublishOptions {
  persistent: boolean;
  mandatory: boolean;
  contentType: string;
  contentEncoding: string;
  messageId: string;
  type: string;
  timestamp: number;
  appId: string;
  correlationId: string;
  headers: Record<string, string>;
}

/**
 * The wire form of an envelope (DESIGN.md "On the wire"): destination → exchange,
 * type → routing key, JSON body, envelope fields in AMQP properties, the rest in
 * headers. User headers go first so Courier's own can never be overridden.
 */
export function toAmqpPublish(message: OutboxDelivery): {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: AmqpPublishOptions;
} {
  const headers: Record<string, string> = { ...message.headers };
  if (message.causationId) headers[WireHeaders.causationId] = message.causationId;
  if (message.traceparent) {
    headers[WireHeaders.traceparent] = message.traceparent;
    // Only beside its traceparent: alone, a tracestate is trace context that means nothing.
    if (message.tracestate) headers[WireHeaders.tracestate] = message.tracestate;
  }
  if (message.key) headers[WireHeaders.messageKey] = message.key;
  // AMQP timestamps have whole seconds; keep the milliseconds too.
  headers[WireHeaders.occurredAt] = message.occurredAt.toISOString();
  return {
    exchange: message.destination,
    routingKey: message.type,
    content: Buffer.from(message.body, 'utf8'),
    options: {
      persistent: true,
      mandatory: true,
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      messageId: message.id,
      type: message.type,
      timestamp: Math.floor(message.occurredAt.getTime() / 1000),
      appId: message.source,
      correlationId: message.correlationId,
      headers,
    },
  };
}
