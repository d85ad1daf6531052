import type { ConsumeMessage, Options } from 'amqplib';
import { ConsumerHeaders, type MessageAttributes } from '@courier-nest/consumer';

/**
 * A delivery's properties and fields as the consumer port's attributes. A message that
 * came back from a retry queue shows its original exchange and routing key (kept in
 * headers on its first retry), so a processor sees the same routing on every attempt.
 */
export function attributesOf(delivery: ConsumeMessage): MessageAttributes {
  const { properties: p, fields } = delivery;
  const headers: Record<string, unknown> = { ...(p.headers ?? {}) };
  const original = (name: string, fallback: string) =>
    typeof headers[name] === 'string' ? (headers[name] as string) : fallback;
  return {
    messageId: text(p.messageId),
    correlationId: text(p.correlationId),
    contentType: text(p.contentType),
    contentEncoding: text(p.contentEncoding),
    type: text(p.type),
    appId: text(p.appId),
    userId: text(p.userId),
    replyTo: text(p.replyTo),
    expiration: p.expiration === undefined ? undefined : String(p.expiration),
    priority: typeof p.priority === 'number' ? p.priority : undefined,
    deliveryMode: typeof p.deliveryMode === 'number' ? p.deliveryMode : undefined,
    timestamp: typeof p.timestamp === 'number' ? new Date(p.timestamp * 1000) : undefined,
    headers,
    exchange: original(ConsumerHeaders.originalExchange, fields.exchange),
    routingKey: original(ConsumerHeaders.originalRoutingKey, fields.routingKey),
    redelivered: fields.redelivered,
  };
}

/**
 * Publish options that carry a delivery on unchanged (retry, dead letter), with
 * `headers` merged over its own. Persistent, whatever it was: it is now ours to keep.
 * (A dead letter read with basic.get is carried back the same way.)
 */
export function republishOptions(
  delivery: Pick<ConsumeMessage, 'properties'>,
  headers: Record<string, unknown>,
  messageId: string,
): Options.Publish {
  const p = delivery.properties;
  return {
    // The id the message was handled under, also when the producer gave none: every
    // attempt and the dead letter then name the same message.
    messageId: p.messageId ?? messageId,
    correlationId: p.correlationId,
    contentType: p.contentType,
    contentEncoding: p.contentEncoding,
    type: p.type,
    appId: p.appId,
    timestamp: p.timestamp,
    priority: p.priority,
    replyTo: p.replyTo,
    headers: { ...(p.headers ?? {}), ...headers },
    persistent: true,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
