import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Injectable, type INestApplicationContext, type Type } from '@nestjs/common';
import { connect } from 'amqplib';
import { InboxHandler, type InboxMessage, type InboxModuleOptions } from '@courier-nest/inbox';
import { AMQP_URL } from '../../test/harness/env';
import { createInboxApp } from '../../test/harness/inbox-app';
import { benchPayload } from './bench-messages';

/** The message ids of one run's deliveries, in publish order, some of them repeated. */
export interface DeliveryPlan {
  ids: string[];
  /** Distinct ids: what the handler must run for, exactly once each. */
  unique: number;
  /** Deliveries that reuse an earlier delivery's id. */
  duplicates: number;
}

/** A small seeded PRNG (mulberry32): the same plan for the same seed, run after run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `count` deliveries of which exactly round(count × duplicateFraction) reuse the id of
 * a uniformly chosen earlier delivery: most repeat an id stored batches ago (the unique
 * insert's conflict path), a few repeat one in the same or a concurrent batch.
 */
export function planDeliveries(count: number, duplicateFraction: number, seed = 42): DeliveryPlan {
  const random = prng(seed);
  const duplicates = Math.round(count * duplicateFraction);
  // Which positions repeat an id: a partial Fisher-Yates shuffle of 1..count-1.
  const positions = Array.from({ length: count - 1 }, (_, i) => i + 1);
  for (let i = 0; i < duplicates; i++) {
    const j = i + Math.floor(random() * (positions.length - i));
    [positions[i], positions[j]] = [positions[j], positions[i]];
  }
  const repeats = new Set(positions.slice(0, duplicates));
  const prefix = randomUUID().slice(0, 8);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(repeats.has(i) ? ids[Math.floor(random() * i)] : `${prefix}-${i}-${randomUUID()}`);
  }
  return { ids, unique: new Set(ids).size, duplicates };
}

/**
 * Publishes one persistent JSON message per id to `exchange` with raw amqplib (a confirm
 * channel, pipelined, pausing on 'drain'), with the properties a Courier outbox puts
 * on the wire. Resolves once the broker confirmed them all.
 */
export async function prePublish(
  exchange: string,
  routingKey: string,
  ids: readonly string[],
): Promise<void> {
  const connection = await connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    let returned = 0;
    channel.on('return', () => returned++);
    for (let seq = 0; seq < ids.length; seq++) {
      const occurredAt = new Date();
      const flushed = channel.publish(
        exchange,
        routingKey,
        Buffer.from(JSON.stringify(benchPayload(seq)), 'utf8'),
        {
          persistent: true,
          mandatory: true,
          contentType: 'application/json',
          contentEncoding: 'utf-8',
          messageId: ids[seq],
          type: routingKey,
          timestamp: Math.floor(occurredAt.getTime() / 1000),
          appId: 'courier-bench',
          correlationId: ids[seq],
          headers: { 'x-courier-key': `ord-${seq}`, 'x-courier-occurred-at': occurredAt.toISOString() },
        },
      );
      if (!flushed) await once(channel, 'drain');
    }
    await channel.waitForConfirms();
    if (returned > 0) throw new Error(`${returned} of ${ids.length} messages to ${exchange} were unroutable`);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * A provider with one trivial `@InboxHandler` for `eventType` (the decorator takes the
 * run's unique event type, hence a class per run). It only reports each run.
 */
export function trivialHandlerProvider(
  eventType: string,
  handlerKey: string,
  onRun: (messageId: string) => void,
): Type {
  @Injectable()
  class BenchInboxHandlers {
    @InboxHandler(eventType, handlerKey)
    handle(message: InboxMessage): void {
      onRun(message.id);
    }
  }
  return BenchInboxHandlers;
}

export interface InboxBenchAppOptions {
  schema: string;
  serviceName: string;
  handler: Type;
  dispatcher?: InboxModuleOptions['dispatcher'];
  prefetch?: number;
}

/** An inbox app fed from RabbitMQ as a user would boot it (the e2e harness), Nest logs at warn/error. */
export function bootInboxBenchApp(options: InboxBenchAppOptions): Promise<INestApplicationContext> {
  return createInboxApp({
    inbox: {
      schema: options.schema,
      serviceName: options.serviceName,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    },
    handlers: [options.handler],
    rabbitmq: {
      connectionName: 'courier-inbox-bench',
      ...(options.prefetch !== undefined ? { inbox: { prefetch: options.prefetch } } : {}),
    },
  });
}
