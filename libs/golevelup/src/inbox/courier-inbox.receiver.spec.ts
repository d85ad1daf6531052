import { JsonCodec, type IncomingMessage, type InboxFeed } from '@courier-nest/core';
import { MalformedDeliveryError } from '../errors/malformed-delivery.error';
import { CourierInboxReceiver } from './courier-inbox.receiver';

function feed(stored: IncomingMessage[]): InboxFeed {
  return {
    serviceName: 'shipping',
    codec: new JsonCodec(64),
    eventTypes: () => ['order_events'],
    receiveMany: async (messages) => stored.push(...messages),
  };
}

const delivery = (messageId: unknown, body = '{"orderId":"o-1"}') => ({
  content: Buffer.from(body),
  fields: { routingKey: 'order_created' },
  properties: { messageId, headers: {} },
});

describe('CourierInboxReceiver', () => {
  it('stores the mapped delivery under the given event type', async () => {
    const stored: IncomingMessage[] = [];
    await new CourierInboxReceiver(feed(stored)).receive(delivery('m-1'), 'order_events');
    expect(stored).toEqual([
      expect.objectContaining({
        id: 'm-1',
        eventType: 'order_events',
        type: 'order_created',
        payload: { orderId: 'o-1' },
      }),
    ]);
  });

  it('throws MalformedDeliveryError, storing nothing, for a delivery without a message id', async () => {
    const stored: IncomingMessage[] = [];
    const receiving = new CourierInboxReceiver(feed(stored)).receive(delivery(undefined), 'order_events');
    await expect(receiving).rejects.toThrow(MalformedDeliveryError);
    await expect(receiving).rejects.toThrow(
      'Refused a delivery for event type "order_events": no usable message id (AMQP messageId must be a string of ' +
        '1-255 characters). It is not stored; reject it without requeue.',
    );
    expect(stored).toEqual([]);
  });

  it("decodes with the inbox's codec, so its size limit applies", async () => {
    const stored: IncomingMessage[] = [];
    const big = JSON.stringify({ text: 'x'.repeat(100) });
    await expect(
      new CourierInboxReceiver(feed(stored)).receive(delivery('m-2', big), 'order_events'),
    ).rejects.toThrow(MalformedDeliveryError);
    expect(stored).toEqual([]);
  });
});
