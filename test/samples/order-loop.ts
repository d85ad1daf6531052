import { connect } from 'amqplib';
import type { Client } from 'pg';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, uniqueName } from '../harness/env';
import { SampleAppProcess } from '../harness/sample-app-process';
import { waitFor } from '../harness/wait-for';

interface OrderView {
  id: string;
  status: string;
  shipmentId: string | null;
}

/**
 * The sample loop, both apps running: HTTP → outbox → the transport → inbox handlers →
 * outbox → back. The same assertions on each transport (COURIER_TRANSPORT).
 */
export function describeOrderLoop(transport: 'rabbitmq' | 'postgres'): void {
  describe(`sample services on ${transport}: one order through the whole loop`, () => {
    const ordersService = uniqueName('orders');
    const shippingService = uniqueName('shipping');
    // The PostgreSQL transport's queues, in a schema of this test's own.
    const busSchema = uniqueName('loop_bus');
    const transportEnv = { COURIER_TRANSPORT: transport, COURIER_BUS_SCHEMA: busSchema };
    let orders: SampleAppProcess;
    let shipping: SampleAppProcess;
    let db: Client;

    beforeAll(async () => {
      db = await openDatabase();
      shipping = await SampleAppProcess.start('shipping', {
        SERVICE_NAME: shippingService,
        COURIER_SCHEMA: shippingService,
        ...transportEnv,
      });
      orders = await SampleAppProcess.start('orders', {
        SERVICE_NAME: ordersService,
        COURIER_SCHEMA: ordersService,
        ...transportEnv,
      });
    }, 120_000);

    afterAll(async () => {
      // A graceful stop: Nest's shutdown hooks end the process with the signal it received.
      expect(await orders?.stop()).toEqual({ code: null, signal: 'SIGTERM' });
      expect(await shipping?.stop()).toEqual({ code: null, signal: 'SIGTERM' });
      if (transport === 'rabbitmq') {
        const connection = await connect(AMQP_URL);
        const channel = await connection.createChannel();
        for (const queue of [`${shippingService}.order_events`, `${ordersService}.shipment_events`]) {
          await channel.deleteQueue(queue).catch(() => undefined);
          await channel.deleteQueue(`${queue}.dead`).catch(() => undefined);
        }
        await connection.close();
      } else {
        await dropSchema(db, busSchema);
      }
      await dropSchema(db, ordersService);
      await dropSchema(db, shippingService);
      await db.end();
    });

    const get = async <T>(url: string): Promise<{ status: number; body: T }> => {
      const response = await fetch(url);
      return { status: response.status, body: (await response.json()) as T };
    };

    it('creates an order, ships it, and carries the trace id across both services', async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const created = await fetch(`${orders.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ customerId: 'customer-1', lines: [{ sku: 'BOOK-1', quantity: 2 }] }),
      });
      expect(created.status).toBe(201);
      const order = (await created.json()) as OrderView;
      expect(order.status).toBe('created');

      const shipped = await waitFor(async () => {
        const { body } = await get<OrderView>(`${orders.url}/orders/${order.id}`);
        return body.status === 'shipped' ? body : undefined;
      }, 'the order shipped');
      const shipment = await get<{ id: string; orderId: string }>(`${shipping.url}/shipments/${order.id}`);
      expect(shipment.status).toBe(200);
      expect(shipped.shipmentId).toBe(shipment.body.id);

      // Both hops kept the trace: shipping stored it with order_created, orders with shipment_created.
      const traceOf = async (schema: string, type: string) => {
        const { rows } = await db.query(
          `SELECT headers->>'traceparent' AS traceparent FROM "${schema}".inbox_messages WHERE message_type = $1 AND payload::jsonb->>'orderId' = $2`,
          [type, order.id],
        );
        return rows.map((r) => String(r.traceparent).split('-')[1]);
      };
      expect(await traceOf(shippingService, 'order_created')).toEqual([traceId]);
      expect(await traceOf(ordersService, 'shipment_created')).toEqual([traceId]);

      // Every log line about a message names it: message id, event type, handler key.
      const lines = (app: SampleAppProcess) =>
        app.output.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      const reserved = lines(shipping).find((l) =>
        String(l.msg).startsWith(`Reserved 1 line(s) for order ${order.id}`),
      );
      expect(reserved).toMatchObject({
        eventType: 'order_events',
        handlerKey: 'reserve_stock',
        messageId: expect.any(String),
      });
      const marked = lines(orders).find((l) => String(l.msg).startsWith(`Order ${order.id} shipped`));
      expect(marked).toMatchObject({
        eventType: 'shipment_events',
        handlerKey: 'mark_shipped',
        messageId: expect.any(String),
      });
      // ...and every line about a request, its request id.
      const request = lines(orders).find(
        (l) => (l.req as { method?: string; url?: string })?.url === '/orders',
      );
      expect(request).toMatchObject({
        req: { id: expect.any(String), method: 'POST' },
        res: { statusCode: 201 },
      });
    });

    it('answers 400 with the field errors for a bad order, and writes nothing', async () => {
      const published = async () =>
        Number(
          /^courier_outbox_published_total\{destination="order_events"\} (\d+)/m.exec(
            await (await fetch(`${orders.url}/metrics`)).text(),
          )?.[1] ?? 0,
        );
      const before = await published();
      const customerId = uniqueName('rejected');
      const response = await fetch(`${orders.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          customerId,
          lines: [
            { sku: 'BOOK-1', quantity: 0 },
            { sku: 'bad sku', quantity: 1 },
          ],
        }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string[] }).message).toEqual([
        'lines.0.quantity must not be less than 1',
        'lines.1.sku must be 1-32 upper-case letters, digits or "-"',
      ]);
      const empty = await fetch(`${orders.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: '', lines: [] }),
      });
      expect(((await empty.json()) as { message: string[] }).message).toEqual([
        'customerId must be longer than or equal to 1 characters',
        'lines must contain at least 1 elements',
      ]);
      // Nothing written: no order, nothing left in the outbox, nothing published.
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM sample_orders WHERE "customerId" = $1`,
        [customerId],
      );
      expect(rows[0].n).toBe(0);
      const outbox = await db.query(
        `SELECT count(*)::int AS n FROM "${ordersService}".outbox_messages WHERE payload::text LIKE $1`,
        [`%${customerId}%`],
      );
      expect(outbox.rows[0].n).toBe(0);
      expect(await published()).toBe(before);
    });

    it('cancels through the ambient @Transactional form, and a late shipment never revives a cancelled order', async () => {
      const created = await fetch(`${orders.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: 'customer-2', lines: [{ sku: 'PEN-1', quantity: 1 }] }),
      });
      const order = (await created.json()) as OrderView;
      const cancel = await fetch(`${orders.url}/orders/${order.id}/cancel`, { method: 'POST' });
      // The shipment races the cancel: either the cancel wins (200) or the order had shipped (409).
      expect([200, 409]).toContain(cancel.status);
      const final = cancel.status === 200 ? 'cancelled' : 'shipped';
      // Wait until orders has handled shipping's answer, whatever it did with it.
      await waitFor(async () => {
        const { rows } = await db.query(
          `SELECT s.status FROM "${ordersService}".inbox_handler_states s JOIN "${ordersService}".inbox_messages m ON m.id = s.message_id
          WHERE m.payload::jsonb->>'orderId' = $1 AND s.handler_key = 'mark_shipped'`,
          [order.id],
        );
        return rows[0]?.status === 'done';
      }, 'mark_shipped done for the order');
      expect((await get<OrderView>(`${orders.url}/orders/${order.id}`)).body.status).toBe(final);
      if (final === 'cancelled') {
        // The cancel's event committed with it (the ambient form) and reached shipping.
        await waitFor(async () => {
          const { rows } = await db.query(
            `SELECT 1 FROM "${shippingService}".inbox_messages WHERE message_type = 'order_cancelled' AND payload::jsonb->>'orderId' = $1`,
            [order.id],
          );
          return rows.length === 1;
        }, 'order_cancelled in shipping');
      }
    });

    it('answers 400 naming the field, not 500, to text holding a NUL character (PostgreSQL cannot store it)', async () => {
      const customerId = uniqueName('nul');
      const response = await fetch(`${orders.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: `${customerId}\u0000`, lines: [{ sku: 'BOOK-1', quantity: 1 }] }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string[] }).message).toEqual([
        'customerId must not contain a NUL character (U+0000)',
      ]);
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM sample_orders WHERE "customerId" LIKE $1`,
        [`${customerId}%`],
      );
      expect(rows[0].n).toBe(0);
      expect((await fetch(`${shipping.url}/shipments/a%00b`)).status).toBe(400);
    });

    it('refuses an order that repeats a sku', async () => {
      const response = await fetch(`${orders.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          customerId: 'c',
          lines: [
            { sku: 'A-1', quantity: 1 },
            { sku: 'A-1', quantity: 2 },
          ],
        }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string[] }).message).toEqual([
        'lines must not repeat a sku (add up the quantities)',
      ]);
    });

    it('reports health and metrics for both services', async () => {
      for (const app of [orders, shipping]) {
        expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
        const ready = await get<{ status: string; details: Record<string, { status: string }> }>(
          `${app.url}/health/ready`,
        );
        expect(ready.status).toBe(200);
        const transportCheck = transport === 'rabbitmq' ? 'rabbitmq' : 'bus';
        expect(Object.keys(ready.body.details).sort()).toEqual(
          ['database', 'inbox', 'outbox', transportCheck].sort(),
        );
      }
      const ordersMetrics = await (await fetch(`${orders.url}/metrics`)).text();
      expect(ordersMetrics).toMatch(/^courier_outbox_published_total\{destination="order_events"\} [1-9]/m);
      expect(ordersMetrics).toMatch(
        /^courier_inbox_handled_total\{handler_key="mark_shipped",outcome="done",reason="ok"\} [1-9]\d*$/m,
      );
      expect(ordersMetrics).toMatch(/^process_cpu_seconds_total /m);
      // On PostgreSQL the bus reports its queues, and no delivery of the loop was dead-lettered.
      if (transport === 'postgres') {
        expect(ordersMetrics).toMatch(
          new RegExp(
            `^courier_bus_oldest_message_age_seconds|^# TYPE courier_bus_queue_messages gauge$`,
            'm',
          ),
        );
        expect(ordersMetrics).not.toMatch(
          new RegExp(`^courier_bus_dead_letters\\{queue="${ordersService}\\.shipment_events"\\} [1-9]`, 'm'),
        );
      }
      // On RabbitMQ the inbox feed runs on the consumer component, and reports as one.
      if (transport === 'rabbitmq') {
        expect(ordersMetrics).toMatch(
          new RegExp(
            `^courier_consumer_settled_total\\{queue="${ordersService}\\.shipment_events",outcome="ack"\\} [1-9]\\d*$`,
            'm',
          ),
        );
      }
      const shippingMetrics = await (await fetch(`${shipping.url}/metrics`)).text();
      for (const handler of ['reserve_stock', 'schedule_pickup']) {
        expect(shippingMetrics).toMatch(
          new RegExp(
            `^courier_inbox_handled_total\\{handler_key="${handler}",outcome="done",reason="ok"\\} [1-9]\\d*$`,
            'm',
          ),
        );
      }
      expect(shippingMetrics).toMatch(
        /^courier_outbox_published_total\{destination="shipment_events"\} [1-9]/m,
      );
    });
  });
}
