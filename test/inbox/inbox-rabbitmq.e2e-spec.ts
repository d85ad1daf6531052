import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { connect, type ConsumeMessage } from 'amqplib';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  InboxHandler,
  InboxHealthIndicator,
  InboxService,
  type InboxHandlerContext,
  type InboxMessage,
} from '@courier-nest/inbox';
import { OutboxService } from '@courier-nest/outbox';
import { DEAD_LETTER_REASON_HEADER, RabbitMQConnection, RabbitMQInboxBridge } from '@courier-nest/rabbitmq';
import { brokerControl } from '../harness/broker-control';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, uniqueName } from '../harness/env';
import { createInboxApp } from '../harness/inbox-app';
import { createOutboxApp } from '../harness/outbox-app';
import { waitFor } from '../harness/wait-for';

const eventType = uniqueName('order_events');
const received: Array<{ message: InboxMessage; ctx: InboxHandlerContext }> = [];

@Injectable()
class ShippingHandlers {
  @InboxHandler(eventType, 'reserve_stock')
  reserve(message: InboxMessage, ctx: InboxHandlerContext) {
    received.push({ message, ctx });
  }
}

describe('Inbox fed from RabbitMQ', () => {
  const ordersSchema = uniqueName('orders_outbox');
  const shippingSchema = uniqueName('shipping_inbox');
  const service = uniqueName('shipping');
  const queue = `${service}.${eventType}`;
  let orders: INestApplicationContext;
  let shipping: INestApplicationContext;
  let db: Client;

  const queueState = async () => {
    const connection = await connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      return await channel.checkQueue(queue);
    } finally {
      await connection.close();
    }
  };
  const stateCount = async () =>
    (await db.query(`SELECT count(*)::int AS n FROM "${shippingSchema}".inbox_handler_states`)).rows[0]
      .n as number;

  beforeAll(async () => {
    db = await openDatabase();
    shipping = await createInboxApp({
      inbox: { schema: shippingSchema, serviceName: service, dispatcher: { pollIntervalMs: 100 } },
      handlers: [ShippingHandlers],
      rabbitmq: {
        reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
        inbox: { prefetch: 50, storeRetryDelayMs: 200 },
      },
    });
    orders = await createOutboxApp({ outbox: { schema: ordersSchema, serviceName: 'orders' } });
    await waitFor(() => shipping.get(RabbitMQInboxBridge).consumers().attached === 1, 'the inbox consumer');
  });

  afterAll(async () => {
    await brokerControl.start().catch(() => undefined);
    await orders?.close();
    await shipping?.close();
    const connection = await connect(AMQP_URL);
    const channel = await connection.createChannel();
    for (const q of [queue, `${queue}.dead`]) await channel.deleteQueue(q).catch(() => undefined);
    await channel.deleteExchange(eventType).catch(() => undefined);
    await channel.deleteExchange(`${service}.dead-letter`).catch(() => undefined);
    await connection.close();
    for (const schema of [ordersSchema, shippingSchema]) await dropSchema(db, schema);
    await db.end();
  });

  beforeEach(() => received.splice(0));

  it("runs another app's handler once for a message its outbox published, payload, headers and trace intact", async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const dataSource = orders.get<DataSource>(getDataSourceToken());
    const [id] = await dataSource.transaction((m) =>
      orders.get(OutboxService).publish(m, {
        destination: eventType,
        type: 'order_created',
        key: 'o-1',
        payload: { orderId: 'o-1', total: 12.5 },
        correlationId: 'corr-9',
        causationId: 'cause-9',
        traceparent,
        tracestate: 'congo=t61rcWkgMzE',
        headers: { tenant: 'acme' },
      }),
    );
    await waitFor(() => received.length === 1, 'the handler to run');
    const { message, ctx } = received[0];
    expect(message).toMatchObject({
      id,
      eventType,
      type: 'order_created',
      payload: { orderId: 'o-1', total: 12.5 },
    });
    expect(message.headers).toMatchObject({
      tenant: 'acme',
      traceparent,
      tracestate: 'congo=t61rcWkgMzE',
      'x-causation-id': 'cause-9',
      'x-correlation-id': 'corr-9',
      'x-courier-key': 'o-1',
      'x-courier-source': 'orders',
    });
    expect(ctx).toMatchObject({ eventType, handlerKey: 'reserve_stock', attempt: 1 });
    await waitFor(async () => (await queueState()).messageCount === 0, 'the delivery to be acked');
    expect(received).toHaveLength(1);
  });

  it('dead-letters malformed deliveries with the reason, acks each once, and never loops', async () => {
    const connection = await connect(AMQP_URL);
    const channel = await connection.createConfirmChannel();
    const send = (content: Buffer, messageId?: string) =>
      new Promise<void>((resolve, reject) =>
        channel.publish(
          eventType,
          'bad',
          content,
          { messageId, contentType: 'application/json' },
          (e: unknown) => (e ? reject(e) : resolve()),
        ),
      );
    await send(Buffer.from('{not json'), uniqueName('m'));
    await send(Buffer.from('{"ok":true}')); // no message id
    await send(Buffer.from('{"__proto__":{"admin":true}}'), uniqueName('m'));
    await send(Buffer.from(JSON.stringify({ blob: 'x'.repeat(1024 * 1024 + 10) })), uniqueName('m'));
    await send(Buffer.from('{"x":1e400}'), uniqueName('m')); // parses, but to Infinity
    await send(Buffer.from('{"a":1}'), `${uniqueName('m')}\u0000`); // PostgreSQL text cannot hold NUL
    await send(Buffer.from('{"fine":1}'), uniqueName('good'));

    const dead: ConsumeMessage[] = [];
    const dlChannel = await connection.createChannel();
    await dlChannel.consume(`${queue}.dead`, (m) => m && dead.push(m), { noAck: true });
    await waitFor(() => dead.length === 6, 'six dead letters');
    await waitFor(() => received.length === 1, 'the good message');
    const reasons = dead.map((m) => String(m.properties.headers?.[DEAD_LETTER_REASON_HEADER]));
    expect(reasons).toEqual([
      expect.stringMatching(/not valid JSON/),
      expect.stringMatching(/no usable message id/),
      expect.stringMatching(/__proto__/),
      expect.stringMatching(/over the limit/),
      expect.stringMatching(/Infinity would silently become null/),
      expect.stringMatching(/NUL character/),
    ]);
    expect(dead.every((m) => m.properties.headers?.['x-courier-original-exchange'] === eventType)).toBe(true);
    await waitFor(async () => (await queueState()).messageCount === 0, 'everything acked');
    // Each malformed delivery was dead-lettered once and is gone: no redelivery loop.
    expect(dead).toHaveLength(6);
    expect(await stateCount()).toBeGreaterThanOrEqual(1);
    await connection.close();
  });

  it('requeues deliveries after a growing delay while they cannot be stored, and stores them once it can', async () => {
    const inbox = shipping.get(InboxService);
    const original = inbox.receiveMany.bind(inbox);
    const failures: number[] = [];
    inbox.receiveMany = (messages, manager) =>
      original(messages, manager).catch((error) => {
        failures.push(Date.now());
        throw error;
      });
    // The database refuses the writes: the inbox table is away for a while.
    await db.query(`ALTER TABLE "${shippingSchema}".inbox_messages RENAME TO inbox_messages_away`);
    try {
      const dataSource = orders.get<DataSource>(getDataSourceToken());
      const [id] = await dataSource.transaction((m) =>
        orders.get(OutboxService).publish(m, { destination: eventType, type: 'later', payload: {} }),
      );
      await waitFor(() => failures.length >= 3, 'three failed stores');
      // Not a hot loop: each requeue waited at least the configured delay (200 ms, doubling).
      expect(failures[1] - failures[0]).toBeGreaterThanOrEqual(190);
      expect(failures[2] - failures[1]).toBeGreaterThanOrEqual(390);
      await db.query(`ALTER TABLE "${shippingSchema}".inbox_messages_away RENAME TO inbox_messages`);
      await waitFor(() => received.some((r) => r.message.id === id), 'the message after recovery', {
        timeoutMs: 30_000,
      });
      expect(received.filter((r) => r.message.id === id)).toHaveLength(1);
    } finally {
      await db.query(
        `ALTER TABLE IF EXISTS "${shippingSchema}".inbox_messages_away RENAME TO inbox_messages`,
      );
      inbox.receiveMany = original;
    }
  });

  it('attaches its consumer again after a broker restart (consumer count, not just the connection)', async () => {
    await brokerControl.stop();
    await waitFor(() => !shipping.get(RabbitMQConnection).isConnected(), 'the disconnect');
    await brokerControl.start();
    await waitFor(async () => (await queueState()).consumerCount === 1, 'one consumer on the queue again', {
      timeoutMs: 30_000,
    });
    expect(shipping.get(RabbitMQInboxBridge).consumers()).toEqual({ attached: 1, expected: 1 });
    const health = await shipping
      .get(InboxHealthIndicator)
      .isHealthy('inbox', { consumers: () => shipping.get(RabbitMQInboxBridge).consumers() });
    expect(health.inbox).toMatchObject({ status: 'up', consumersAttached: 1, consumersExpected: 1 });

    const dataSource = orders.get<DataSource>(getDataSourceToken());
    await waitFor(() => orders.get(RabbitMQConnection).isConnected(), 'the publisher to reconnect');
    const [id] = await dataSource.transaction((m) =>
      orders.get(OutboxService).publish(m, { destination: eventType, type: 'after_restart', payload: {} }),
    );
    await waitFor(() => received.some((r) => r.message.id === id), 'a message after the restart', {
      timeoutMs: 30_000,
    });
  });
});
