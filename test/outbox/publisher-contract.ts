import { randomUUID } from 'node:crypto';
import type { OutboxDelivery, OutboxPublisher } from '@courier-nest/core';
import { waitFor } from '../harness/wait-for';

/** A message as a subscriber's queue holds it. */
export interface ReceivedMessage {
  messageId: string;
  body: string;
  type?: string;
  headers: Record<string, unknown>;
}

/** What the publisher contract needs from a transport, and nothing more. */
export interface PublisherContractTransport {
  open(): Promise<void>;
  close(): Promise<void>;
  publisher(): OutboxPublisher;
  /** Makes `destination` exist with no subscriber (RabbitMQ refuses a publish to a missing exchange). */
  declareDestination(destination: string): Promise<void>;
  /** Makes `queue` receive every later publish to `destination`. */
  subscribe(destination: string, queue: string): Promise<void>;
  /** Takes what reached `queue`. */
  take(queue: string): Promise<ReceivedMessage[]>;
  /** Stops the server (broker or bus database) the publisher talks to, then starts it again. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
}

const unique = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;

function delivery(destination: string, n = 0): OutboxDelivery {
  const id = randomUUID();
  return {
    id,
    destination,
    type: 'order_created',
    key: `order-${n}`,
    body: JSON.stringify({ n }),
    correlationId: id,
    causationId: null,
    traceparent: null,
    tracestate: null,
    headers: { tenant: 'acme' },
    occurredAt: new Date(),
    source: 'publisher-contract',
  };
}

/**
 * The outbox publisher contract: every transport's `OutboxPublisher` (RabbitMQ, the
 * PostgreSQL bus) must pass it. `confirmed` means the server took the message and
 * routed it; a message with no subscriber is `returned`; an outage loses nothing.
 */
export function describePublisherContract(
  name: string,
  makeTransport: () => PublisherContractTransport,
): void {
  describe(`outbox publisher contract: ${name}`, () => {
    const transport = makeTransport();
    beforeAll(() => transport.open(), 60_000);
    afterAll(() => transport.close(), 60_000);

    const takeAll = async (queue: string, count: number) => {
      const taken: ReceivedMessage[] = [];
      await waitFor(async () => {
        taken.push(...(await transport.take(queue)));
        return taken.length >= count;
      }, `${count} message(s) in ${queue}`);
      return taken;
    };

    it('confirms a batch once the server holds it, in the wire form every transport shares', async () => {
      const destination = unique('orders');
      const queue = unique('orders_q');
      await transport.subscribe(destination, queue);
      const batch = [delivery(destination, 1), delivery(destination, 2), delivery(destination, 3)];
      const results = await transport.publisher().publishBatch(batch);
      expect(results).toEqual(batch.map(() => ({ status: 'confirmed' })));
      const received = await takeAll(queue, 3);
      expect(received.map((m) => m.messageId).sort()).toEqual(batch.map((m) => m.id).sort());
      const first = received.find((m) => m.messageId === batch[0].id)!;
      expect(first).toMatchObject({ body: '{"n":1}', type: 'order_created' });
      expect(first.headers).toMatchObject({
        tenant: 'acme',
        'x-courier-key': 'order-1',
        'x-courier-occurred-at': batch[0].occurredAt.toISOString(),
      });
    });

    it('fans out: every queue subscribed to the destination gets each message once', async () => {
      const destination = unique('orders');
      const queues = [unique('billing'), unique('shipping')];
      for (const queue of queues) await transport.subscribe(destination, queue);
      const batch = Array.from({ length: 5 }, (_, n) => delivery(destination, n));
      const results = await transport.publisher().publishBatch(batch);
      expect(results.every((r) => r.status === 'confirmed')).toBe(true);
      for (const queue of queues) {
        const received = await takeAll(queue, 5);
        expect(received.map((m) => m.messageId).sort()).toEqual(batch.map((m) => m.id).sort());
      }
    });

    it('a message nobody subscribed to is returned; the rest of its batch is confirmed', async () => {
      const destination = unique('orders');
      const unbound = unique('nobody');
      const queue = unique('orders_q');
      await transport.subscribe(destination, queue);
      await transport.declareDestination(unbound);
      const batch = [delivery(destination, 1), delivery(unbound, 2), delivery(destination, 3)];
      const results = await transport.publisher().publishBatch(batch);
      expect(results[0]).toEqual({ status: 'confirmed' });
      expect(results[1]).toMatchObject({ status: 'failed', reason: 'returned' });
      expect(results[2]).toEqual({ status: 'confirmed' });
      const received = await takeAll(queue, 2);
      expect(received.map((m) => m.messageId).sort()).toEqual([batch[0].id, batch[2].id].sort());
    });

    it('a server restart mid-stream loses nothing: every message is confirmed once it is back', async () => {
      const destination = unique('orders');
      const queue = unique('orders_q');
      await transport.subscribe(destination, queue);
      const publisher = transport.publisher();
      const sent: OutboxDelivery[] = [];
      const pending: OutboxDelivery[] = [];
      let confirmed = 0;
      let outageSeen = false;
      let restarted = false;
      const restart = (async () => {
        await waitFor(() => sent.length >= 100, '100 messages before the restart');
        await transport.stopServer();
        await transport.startServer();
        restarted = true;
      })();
      // Batches of 20 every 10 ms until the server is back and nothing is left to send.
      while (!restarted || pending.length > 0) {
        if (pending.length === 0) {
          const batch = Array.from({ length: 20 }, (_, n) => delivery(destination, sent.length + n));
          sent.push(...batch);
          pending.push(...batch);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (!publisher.isReady()) {
          outageSeen = true;
          continue;
        }
        const batch = pending.splice(0, 20);
        const results = await publisher.publishBatch(batch);
        // What is not confirmed stays in the outbox and goes again, as the relay does.
        batch.forEach((message, i) => {
          if (results[i].status === 'confirmed') confirmed++;
          else {
            outageSeen = true;
            pending.push(message);
          }
        });
      }
      await restart;
      expect(outageSeen).toBe(true);
      expect(confirmed).toBe(sent.length);
      const received = await takeAll(queue, sent.length);
      expect(new Set(received.map((m) => m.messageId))).toEqual(new Set(sent.map((m) => m.id)));
    }, 120_000);
  });
}
