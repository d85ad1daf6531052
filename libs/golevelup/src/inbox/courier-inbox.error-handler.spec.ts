import { MalformedDeliveryError } from '../errors/malformed-delivery.error';
import { createCourierInboxErrorHandler } from './courier-inbox.error-handler';

function recordingChannel() {
  const calls: Array<{ message: unknown; allUpTo?: boolean; requeue?: boolean }> = [];
  return {
    calls,
    nack: (message: unknown, allUpTo?: boolean, requeue?: boolean) =>
      calls.push({ message, allUpTo, requeue }),
  };
}

describe('courierInboxErrorHandler', () => {
  const handler = createCourierInboxErrorHandler({ requeueDelayMs: 0 });

  it('rejects a malformed delivery without requeue (no redelivery loop)', async () => {
    const channel = recordingChannel();
    await handler(channel, 'msg', new MalformedDeliveryError('no usable message id', 'order_events'));
    expect(channel.calls).toEqual([{ message: 'msg', allUpTo: false, requeue: false }]);
  });

  it("recognises another copy's MalformedDeliveryError by its code", async () => {
    const channel = recordingChannel();
    await handler(channel, 'msg', Object.assign(new Error('x'), { code: 'COURIER_MALFORMED_DELIVERY' }));
    expect(channel.calls[0].requeue).toBe(false);
  });

  it('requeues when nothing was stored (database down)', async () => {
    const channel = recordingChannel();
    await handler(channel, 'msg', new Error('connect ECONNREFUSED'));
    expect(channel.calls).toEqual([{ message: 'msg', allUpTo: false, requeue: true }]);
  });

  it('swallows a nack on a channel that closed meanwhile (the broker requeues)', async () => {
    const closed = {
      nack: () => {
        throw new Error('Channel closed');
      },
    };
    await expect(handler(closed, 'msg', new Error('db'))).resolves.toBeUndefined();
  });

  it('refuses a negative requeue delay', () => {
    expect(() => createCourierInboxErrorHandler({ requeueDelayMs: -1 })).toThrow(
      'requeueDelayMs must be an integer >= 0; got -1.',
    );
  });
});
