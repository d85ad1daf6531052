import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { Client } from 'pg';
import { register } from 'prom-client';
import type { DataSource } from 'typeorm';
import { InboxHandler, InboxModule, type InboxMessage } from '@courier-nest/inbox';
import { OutboxModule, OutboxService } from '@courier-nest/outbox';
import {
  CourierPostgresModule,
  PostgresBusHealthIndicator,
  PostgresBusProvider,
} from '@courier-nest/postgres';
import { dropSchema, openDatabase } from '../harness/database';
import { DATABASE_URL, uniqueName } from '../harness/env';
import { waitFor } from '../harness/wait-for';

const busSchema = uniqueName('bus_loop');
const eventType = uniqueName('order_placed');
const handled: string[] = [];

@Injectable()
class ShippingHandlers {
  @InboxHandler(eventType, 'ship')
  ship(message: InboxMessage) {
    handled.push(message.id);
  }
}

/** A service as a user writes it, with the PostgreSQL module in place of the RabbitMQ one. */
async function service(
  name: string,
  schema: string,
  withHandlers: boolean,
): Promise<INestApplicationContext> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: DATABASE_URL, extra: { max: 5 } }),
      CourierPostgresModule.forRoot({ url: DATABASE_URL, schema: busSchema, pollIntervalMs: 200 }),
      OutboxModule.forRoot({ schema, serviceName: name, migrationsRun: true }),
      InboxModule.forRoot({ schema, serviceName: name, migrationsRun: true }),
    ],
    providers: withHandlers ? [ShippingHandlers] : [],
  })
  class ServiceModule {}
  const app = await NestFactory.createApplicationContext(ServiceModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  return app;
}

/** Orders publishes through its outbox; shipping's inbox handles it; no broker anywhere. */
describe('Courier on PostgreSQL alone: outbox -> bus -> inbox across two services', () => {
  const ordersSchema = uniqueName('loop_orders');
  const shippingSchema = uniqueName('loop_shipping');
  let db: Client;
  let orders: INestApplicationContext;
  let shipping: INestApplicationContext;
  const queue = `shipping.${eventType}`;
  const rows = async (name: string) =>
    (await db.query(`SELECT count(*)::int AS n FROM "${busSchema}".bus_messages WHERE queue = $1`, [name]))
      .rows[0].n as number;

  beforeAll(async () => {
    db = await openDatabase();
    // Shipping first: its inbox subscribes its queue to the destination orders publishes to.
    shipping = await service('shipping', shippingSchema, true);
    orders = await service('orders', ordersSchema, false);
  });

  afterAll(async () => {
    await orders?.close();
    await shipping?.close();
    for (const schema of [ordersSchema, shippingSchema, busSchema]) await dropSchema(db, schema);
    await db.end();
  });

  const publish = async (id?: string) => {
    const outbox = orders.get(OutboxService);
    return orders
      .get<DataSource>(getDataSourceToken())
      .transaction((manager) =>
        outbox.publish(manager, { id, destination: eventType, type: eventType, payload: { n: 1 } }),
      );
  };

  it('a message committed in orders runs its handler in shipping once, and leaves no row behind', async () => {
    const [id] = await publish();
    await waitFor(() => handled.includes(id), 'the shipping handler');
    await waitFor(async () => (await rows(queue)) === 0, 'the bus queue to be empty');
    await waitFor(
      async () =>
        (await db.query(`SELECT count(*)::int AS n FROM "${ordersSchema}".outbox_messages`)).rows[0].n === 0,
      'the outbox to be empty',
    );
    expect(handled.filter((seen) => seen === id)).toHaveLength(1);
  });

  it('reports the bus healthy while its database answers and LISTEN is connected', async () => {
    await expect(shipping.get(PostgresBusHealthIndicator).isHealthy()).resolves.toEqual({
      bus: { status: 'up', listening: true },
    });
  });

  it('a delivery the inbox can never store is dead-lettered with the reason, the rest go on', async () => {
    const { bus } = shipping.get(PostgresBusProvider);
    await bus.send(queue, [{ messageId: null, body: Buffer.from('{}'), properties: {}, headers: {} }]);
    const [next] = await publish();
    await waitFor(() => handled.includes(next), 'the next message handled');
    const dead = await waitFor(async () => {
      const { rows: found } = await db.query(
        `SELECT headers FROM "${busSchema}".bus_messages WHERE queue = $1`,
        [`${queue}.dead`],
      );
      return found[0]?.headers;
    }, 'the dead letter');
    expect(dead['x-courier-dead-letter-reason']).toMatch(/^rejected: no usable message id/);
    expect(dead['x-courier-original-queue']).toBe(queue);
    // The bus gauges count it under the queue it came from, and the queue itself as empty once
    // `next` is acked (its handler can run before its bus row is deleted).
    await waitFor(async () => {
      const waiting = await register.getSingleMetric('courier_bus_queue_messages')!.get();
      return waiting.values.every((v) => v.labels.queue !== queue);
    }, 'the queue gauge to show the queue empty');
    const deadLetters = await register.getSingleMetric('courier_bus_dead_letters')!.get();
    expect(deadLetters.values).toContainEqual(expect.objectContaining({ labels: { queue }, value: 1 }));
  });

  it('a message delivered twice (same id) is handled once', async () => {
    const [first] = await publish();
    await waitFor(() => handled.includes(first), 'the first delivery handled');
    expect(await publish(first)).toEqual([first]);
    await waitFor(async () => (await rows(queue)) === 0, 'the second delivery taken from the queue');
    expect(handled.filter((seen) => seen === first)).toHaveLength(1);
  });
});
