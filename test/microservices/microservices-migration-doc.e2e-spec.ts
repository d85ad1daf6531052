import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { connect, type ChannelModel } from 'amqplib';
import type { Client } from 'pg';
import { RabbitMQInboxBridge } from '@courier-nest/rabbitmq';
import { BrokerProbe } from '../harness/broker';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, DATABASE_URL, uniqueName } from '../harness/env';
import { waitFor } from '../harness/wait-for';

/**
 * docs/microservices.md's migration guide shows, as "after", test/fixtures/microservices-after.example.ts
 * verbatim (so tsc and eslint check it); this suite checks the page still shows exactly that
 * file, and boots it: an order event from RabbitMQ is handled and its emit reaches the broker.
 */
const REPO = join(__dirname, '../..');
const EXAMPLE = 'test/fixtures/microservices-after.example.ts';

function quotedExample(markdown: string): string {
  const marker = markdown.indexOf(`<!-- This block is ${EXAMPLE} verbatim`);
  if (marker < 0) throw new Error(`docs/microservices.md no longer marks a code block as ${EXAMPLE}`);
  const block = markdown.slice(marker).match(/-->\n```ts\n([\s\S]*?)^```$/m);
  if (!block) throw new Error(`docs/microservices.md has no ts code block after the ${EXAMPLE} marker`);
  return block[1];
}

describe("docs/microservices.md's migration guide", () => {
  it('shows the "after" service as the example file verbatim', async () => {
    const [doc, example] = await Promise.all([
      readFile(join(REPO, 'docs/microservices.md'), 'utf8'),
      readFile(join(REPO, EXAMPLE), 'utf8'),
    ]);
    expect(quotedExample(doc)).toBe(example); // on a difference: update the page and the file together
  });

  describe('the "after" service, booted', () => {
    const names = {
      ORDER_EVENTS: uniqueName('doc_orders'),
      SHIPPING_EVENTS: uniqueName('doc_shipping'),
      COURIER_SCHEMA: uniqueName('doc_ms'),
    };
    let app: INestApplication;
    let probe: BrokerProbe;
    let amqp: ChannelModel;
    let db: Client;

    beforeAll(async () => {
      Object.assign(process.env, names, { DATABASE_URL, AMQP_URL, PORT: '0' });
      probe = await BrokerProbe.open();
      amqp = await connect(AMQP_URL);
      db = await openDatabase();
      // Loaded now: its patterns are read from the environment set above.
      const { bootstrap } = (await import('../fixtures/microservices-after.example')) as {
        bootstrap: () => Promise<INestApplication>;
      };
      app = await bootstrap();
    });

    afterAll(async () => {
      await app?.close();
      await amqp?.close().catch(() => undefined);
      await probe?.deleteExchange(names.ORDER_EVENTS);
      await probe?.deleteExchange(names.SHIPPING_EVENTS);
      await probe?.close();
      for (const suffix of ['_outbox', '_inbox']) await dropSchema(db, `${names.COURIER_SCHEMA}${suffix}`);
      await db?.end();
    });

    it('handles an order_created event from RabbitMQ and emits shipping_events through the outbox', async () => {
      const shipped = await probe.bindQueue(names.SHIPPING_EVENTS);
      await waitFor(
        () => app.get(RabbitMQInboxBridge).consumers().attached === 1,
        'the order_events consumer',
      );
      const channel = await amqp.createConfirmChannel();
      await new Promise<void>((resolve, reject) =>
        channel.publish(
          names.ORDER_EVENTS,
          'order_created',
          Buffer.from(JSON.stringify({ orderId: 7 })),
          { messageId: 'doc-order-7', type: 'order_created', contentType: 'application/json' },
          (error) => (error ? reject(error) : resolve()),
        ),
      );
      await waitFor(() => shipped.messages.length === 1, 'the shipping event on the broker');
      expect(shipped.bodies()).toEqual([{ orderId: 7 }]);
      expect(shipped.messages[0].properties.type).toBe(names.SHIPPING_EVENTS);
    });
  });
});
