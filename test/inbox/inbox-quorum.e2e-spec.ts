import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { connect } from 'amqplib';
import type { Client } from 'pg';
import { InboxHandler, type InboxMessage } from '@courier-nest/inbox';
import { RabbitMQInboxBridge } from '@courier-nest/rabbitmq';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, uniqueName } from '../harness/env';
import { createInboxApp } from '../harness/inbox-app';
import { waitFor } from '../harness/wait-for';

const eventType = uniqueName('quorum_events');
const handled: string[] = [];

@Injectable()
class QuorumHandlers {
  @InboxHandler(eventType, 'record')
  record(message: InboxMessage) {
    handled.push(message.id);
  }
}

describe('Inbox on a quorum queue', () => {
  const schema = uniqueName('inbox_quorum');
  const service = uniqueName('quorum_service');
  const queue = `${service}.${eventType}`;
  let app: INestApplicationContext;
  let db: Client;

  beforeAll(async () => {
    db = await openDatabase();
    app = await createInboxApp({
      inbox: { schema, serviceName: service },
      handlers: [QuorumHandlers],
      rabbitmq: { inbox: { queueType: 'quorum', deliveryLimit: 3, prefetch: 10 } },
    });
    await waitFor(() => app.get(RabbitMQInboxBridge).consumers().attached === 1, 'the consumer');
  });

  afterAll(async () => {
    await app?.close();
    const connection = await connect(AMQP_URL);
    const channel = await connection.createChannel();
    for (const q of [queue, `${queue}.dead`]) await channel.deleteQueue(q).catch(() => undefined);
    await channel.deleteExchange(eventType).catch(() => undefined);
    await channel.deleteExchange(`${service}.dead-letter`).catch(() => undefined);
    await connection.close();
    await dropSchema(db, schema);
    await db.end();
  });

  it('declares a quorum queue with a delivery limit that dead-letters, and handles messages from it', async () => {
    const connection = await connect(AMQP_URL);
    const channel = await connection.createConfirmChannel();
    // Re-declaring with the same arguments succeeds only if the bridge declared exactly these.
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': 3,
        'x-dead-letter-exchange': `${service}.dead-letter`,
        'x-dead-letter-routing-key': `${queue}.dead`,
      },
    });
    const id = uniqueName('q');
    await new Promise<void>((resolve, reject) =>
      channel.publish(
        eventType,
        'thing',
        Buffer.from('{"a":1}'),
        { messageId: id, persistent: true },
        (e: unknown) => (e ? reject(e) : resolve()),
      ),
    );
    await waitFor(() => handled.includes(id), 'the handler');
    await connection.close();
  });
});
