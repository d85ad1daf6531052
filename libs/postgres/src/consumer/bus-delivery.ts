import type { MessageAttributes } from '@courier-nest/consumer';

/** A claimed row of `bus_messages`, as the claim statement returns it. */
export interface BusDelivery {
  seq: string;
  messageId: string | null;
  body: Buffer;
  properties: Record<string, unknown>;
  headers: Record<string, unknown>;
  exchange: string;
  routingKey: string;
  redelivered: boolean;
  leaseToken: string;
}

/** The claim statement's row as a delivery. */
export function toBusDelivery(row: Record<string, unknown>): BusDelivery {
  return {
    seq: String(row.seq),
    messageId: (row.message_id as string | null) ?? null,
    body: row.body as Buffer,
    properties: (row.properties as Record<string, unknown>) ?? {},
    headers: (row.headers as Record<string, unknown>) ?? {},
    exchange: row.exchange as string,
    routingKey: row.routing_key as string,
    redelivered: row.redelivered as boolean,
    leaseToken: String(row.lease_token),
  };
}

/** A delivery's stored properties as the consumer port's attributes, as RabbitMQ's consumer fills them. */
export function attributesOfDelivery(delivery: BusDelivery): MessageAttributes {
  const p = delivery.properties;
  return {
    messageId: delivery.messageId ?? undefined,
    correlationId: text(p.correlationId),
    contentType: text(p.contentType),
    contentEncoding: text(p.contentEncoding),
    type: text(p.type),
    appId: text(p.appId),
    replyTo: text(p.replyTo),
    timestamp: typeof p.timestamp === 'number' ? new Date(p.timestamp * 1000) : undefined,
    headers: { ...delivery.headers },
    exchange: delivery.exchange,
    routingKey: delivery.routingKey,
    redelivered: delivery.redelivered,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
