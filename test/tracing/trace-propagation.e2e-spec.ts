/**
 * W3C trace context and message log fields across services, on real PostgreSQL and
 * RabbitMQ: a span active where the orders app writes its outbox reaches the shipping
 * app's inbox handler (as the active context, in the message and its context), and
 * what that handler publishes through its own outbox carries the same trace. An
 * OpenTelemetry SDK is registered as a user's would be: an AsyncLocalStorage context
 * manager, the W3C propagator and a tracer provider exporting to memory.
 */
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import {
  context,
  createTraceState,
  propagation,
  SpanKind,
  trace,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { ConsumerRunner, type Message } from '@courier-nest/consumer';
import {
  MessageLogContext,
  traceIdOf,
  type MessageLogFields,
  type OutgoingMessage,
} from '@courier-nest/core';
import { InboxHandler, type InboxHandlerContext, type InboxMessage } from '@courier-nest/inbox';
import { OutboxService } from '@courier-nest/outbox';
import {
  RabbitMQConsumerFactory,
  RabbitMQInboxBridge,
  type RabbitMQConnection,
} from '@courier-nest/rabbitmq';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, uniqueName } from '../harness/env';
import { createInboxApp } from '../harness/inbox-app';
import { createOutboxApp } from '../harness/outbox-app';
import { openCourierConnection } from '../harness/rabbitmq-connection';
import { waitFor } from '../harness/wait-for';

const orderEvents = uniqueName('order_events');
const shipmentEvents = uniqueName('shipment_events');

interface HandlerSaw {
  message: InboxMessage;
  ctx: InboxHandlerContext;
  active: SpanContext | undefined;
  log: MessageLogFields | undefined;
}
const handled: HandlerSaw[] = [];

@Injectable()
class ShippingHandlers {
  constructor(private readonly outbox: OutboxService) {}

  // Second hop: the handler publishes through its own outbox, in its transaction,
  // without passing any trace context by hand.
  @InboxHandler(orderEvents, 'create_shipment', { transactional: true })
  async createShipment(message: InboxMessage<{ orderId: string }>, ctx: InboxHandlerContext) {
    await new Promise((resolve) => setImmediate(resolve)); // the context must survive a hop
    handled.push({
      message,
      ctx,
      active: trace.getSpanContext(context.active()),
      log: MessageLogContext.current(),
    });
    await this.outbox.publish(ctx.manager!, {
      destination: shipmentEvents,
      type: 'shipment_created',
      payload: { orderId: message.payload.orderId },
      causationId: message.id,
    });
  }
}

describe('Trace context from the writer through RabbitMQ and the inbox handler to its outbox', () => {
  const exporter = new InMemorySpanExporter();
  const tracer = () => trace.getTracer('courier-e2e');
  const ordersSchema = uniqueName('orders_outbox');
  const shippingInbox = uniqueName('shipping_inbox');
  const shippingOutbox = uniqueName('shipping_outbox');
  const service = uniqueName('shipping');
  const watchQueue = uniqueName('shipment_watch');
  const jobsQueue = uniqueName('traced_jobs');
  const secondHop: ConsumeMessage[] = [];
  let orders: INestApplicationContext;
  let shipping: INestApplicationContext;
  let amqp: ChannelModel;
  let channel: Channel;
  let db: Client;

  /** Writes through the orders app's outbox, inside `span` when one is given. */
  const publishFromOrders = async (span: Span | null, ...messages: OutgoingMessage[]): Promise<string[]> => {
    const dataSource = orders.get<DataSource>(getDataSourceToken());
    const write = () => dataSource.transaction((m) => orders.get(OutboxService).publish(m, ...messages));
    return span ? context.with(trace.setSpan(context.active(), span), write) : write();
  };
  const spanNamed = (name: string) =>
    waitFor(() => exporter.getFinishedSpans().find((s) => s.name === name), `a finished span "${name}"`);
  const secondHopOf = (causationId: string) =>
    waitFor(
      () => secondHop.find((d) => d.properties.headers?.['x-causation-id'] === causationId),
      `the second hop caused by ${causationId}`,
    );

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    MessageLogContext.current(); // what a pino mixin does at the first log line

    db = await openDatabase();
    amqp = await connect(AMQP_URL);
    channel = await amqp.createChannel();
    // Watch the second hop on the wire: what the handler's outbox published.
    await channel.assertExchange(shipmentEvents, 'topic', { durable: true });
    await channel.assertQueue(watchQueue, { exclusive: true });
    await channel.bindQueue(watchQueue, shipmentEvents, '#');
    await channel.consume(watchQueue, (d) => d && secondHop.push(d), { noAck: true });

    shipping = await createInboxApp({
      inbox: { schema: shippingInbox, serviceName: service, dispatcher: { pollIntervalMs: 100 } },
      handlers: [ShippingHandlers],
      outbox: { schema: shippingOutbox, serviceName: 'shipping' },
      rabbitmq: { reconnect: { initialDelayMs: 100, maxDelayMs: 500 } },
    });
    orders = await createOutboxApp({ outbox: { schema: ordersSchema, serviceName: 'orders' } });
    await waitFor(() => shipping.get(RabbitMQInboxBridge).consumers().attached === 1, 'the inbox consumer');
  });

  afterAll(async () => {
    await orders?.close();
    await shipping?.close();
    const queue = `${service}.${orderEvents}`;
    for (const q of [queue, `${queue}.dead`, jobsQueue, `${jobsQueue}.dead`])
      await channel.deleteQueue(q).catch(() => undefined);
    for (const exchange of [orderEvents, shipmentEvents, `${service}.dead-letter`])
      await channel.deleteExchange(exchange).catch(() => undefined);
    await amqp?.close();
    for (const schema of [ordersSchema, shippingInbox, shippingOutbox]) await dropSchema(db, schema);
    await db?.end();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  beforeEach(() => {
    handled.splice(0);
    exporter.reset();
  });

  it('keeps one trace id from the HTTP span to the handler and to what the handler publishes', async () => {
    const http = tracer().startSpan('POST /orders', { kind: SpanKind.SERVER });
    const { traceId, spanId: httpSpanId } = http.spanContext();
    const [id] = await publishFromOrders(http, {
      destination: orderEvents,
      type: 'order_created',
      payload: { orderId: 'o-1' },
    });
    http.end();

    await waitFor(() => handled.length === 1, 'the inbox handler to run');
    const [{ message, ctx, active, log }] = handled;
    // The outbox stored the active context, RabbitMQ carried it, the inbox kept it.
    expect(message.headers.traceparent).toBe(`00-${traceId}-${httpSpanId}-01`);
    expect(ctx.traceparent).toBe(message.headers.traceparent);
    // The handler ran inside a span of that trace, child of the HTTP span.
    const inboxSpan: ReadableSpan = await spanNamed(`inbox ${orderEvents} create_shipment`);
    expect(inboxSpan.spanContext().traceId).toBe(traceId);
    expect(inboxSpan.parentSpanContext).toMatchObject({ traceId, spanId: httpSpanId, isRemote: true });
    expect(inboxSpan.kind).toBe(SpanKind.CONSUMER);
    expect(inboxSpan.attributes).toMatchObject({ 'messaging.message.id': id });
    expect(active).toEqual(inboxSpan.spanContext());
    // ... with the message's log fields.
    expect(log).toEqual({
      messageId: id,
      eventType: orderEvents,
      handlerKey: 'create_shipment',
      correlationId: id,
    });

    // Second hop: the handler's outbox message carries the same trace, child of the inbox span.
    const next = await secondHopOf(id);
    const traceparent = String(next.properties.headers!.traceparent);
    expect(traceIdOf(traceparent)).toBe(traceId);
    expect(traceparent).toBe(`00-${traceId}-${inboxSpan.spanContext().spanId}-01`);
  });

  it('carries the tracestate along with the traceparent, both hops', async () => {
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const parent = trace.wrapSpanContext({
      traceId,
      spanId: '1122334455667788',
      traceFlags: 1,
      traceState: createTraceState('congo=t61rcWkgMzE'),
    });
    const [id] = await publishFromOrders(parent, {
      destination: orderEvents,
      type: 'order_created',
      payload: { orderId: 'o-2' },
    });
    await waitFor(() => handled.length === 1, 'the inbox handler to run');
    expect(handled[0].message.headers.tracestate).toBe('congo=t61rcWkgMzE');
    expect(handled[0].ctx.tracestate).toBe('congo=t61rcWkgMzE');
    const next = await secondHopOf(id);
    expect(traceIdOf(String(next.properties.headers!.traceparent))).toBe(traceId);
    expect(String(next.properties.headers!.tracestate)).toBe('congo=t61rcWkgMzE');
  });

  it('sends no trace context for a message written outside any span, and runs its handler outside any trace', async () => {
    const [id] = await publishFromOrders(null, {
      destination: orderEvents,
      type: 'order_created',
      payload: { orderId: 'o-3' },
    });
    await waitFor(() => handled.length === 1, 'the inbox handler to run');
    expect(handled[0].message.headers.traceparent).toBeUndefined();
    expect(handled[0].ctx.traceparent).toBeUndefined();
    expect(handled[0].active).toBeUndefined();
    expect(handled[0].log).toMatchObject({ messageId: id, handlerKey: 'create_shipment' });
    const next = await secondHopOf(id);
    expect(next.properties.headers!.traceparent).toBeUndefined();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it("lets a message's own traceparent win over the active span, and null opt out", async () => {
    const given = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const span = tracer().startSpan('job');
    const [explicit, optedOut, inherited] = ['explicit', 'opted-out', 'inherited'];
    await publishFromOrders(
      span,
      { destination: shipmentEvents, type: 't', payload: {}, causationId: explicit, traceparent: given },
      { destination: shipmentEvents, type: 't', payload: {}, causationId: optedOut, traceparent: null },
      { destination: shipmentEvents, type: 't', payload: {}, causationId: inherited },
    );
    span.end();
    expect((await secondHopOf(explicit)).properties.headers!.traceparent).toBe(given);
    expect((await secondHopOf(optedOut)).properties.headers!.traceparent).toBeUndefined();
    expect(traceIdOf(String((await secondHopOf(inherited)).properties.headers!.traceparent))).toBe(
      span.spanContext().traceId,
    );
  });

  it('restores the trace around a consumer component processor, from real RabbitMQ headers', async () => {
    let connection: RabbitMQConnection | undefined;
    let runner: ConsumerRunner | undefined;
    try {
      connection = await openCourierConnection(uniqueName('traced-consumer'));
      const seen: Array<{ message: Message; active: SpanContext | undefined; log: unknown }> = [];
      runner = new ConsumerRunner(
        new RabbitMQConsumerFactory(connection, { queue: jobsQueue }),
        async (message) => {
          await new Promise((resolve) => setImmediate(resolve));
          seen.push({
            message,
            active: trace.getSpanContext(context.active()),
            log: MessageLogContext.current(),
          });
        },
        { concurrency: 2 },
      );
      runner.start();
      await runner.waitUntilConsuming();
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      channel.sendToQueue(jobsQueue, Buffer.from('{}'), { messageId: 'job-1', headers: { traceparent } });
      channel.sendToQueue(jobsQueue, Buffer.from('{}'), { messageId: 'job-2' });
      await waitFor(() => seen.length === 2, 'both jobs to be processed');
      const byId = (id: string) => seen.find((s) => s.message.id === id)!;
      const span = await spanNamed(`process ${jobsQueue}`);
      expect(span.parentSpanContext).toMatchObject({ spanId: 'b7ad6b7169203331', isRemote: true });
      expect(byId('job-1').active).toEqual(span.spanContext());
      expect(byId('job-1').active?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(byId('job-2').active).toBeUndefined();
      expect(byId('job-2').log).toEqual({ messageId: 'job-2', queue: jobsQueue });
    } finally {
      await runner?.stop();
      await connection?.onApplicationShutdown();
    }
  });
});
