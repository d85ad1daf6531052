import type { ReceivedRows, StoredIncoming } from '../inbox.store';
import { claimedOnReceive } from './claim-on-receive';

const receivedAt = new Date('2026-11-22T10:00:00Z');

function row(id: string, decodedPayload?: unknown): StoredIncoming {
  return {
    id,
    eventType: 'order_events',
    type: 'order_created',
    payload: '{"orderId":"o-1"}',
    decodedPayload,
    headers: {},
    occurredAt: null,
    handlers: [
      { key: 'bill', maxAttempts: 5 },
      { key: 'ship', maxAttempts: 5 },
    ],
  };
}

function stored(ids: string[]): ReceivedRows {
  return {
    inserted: new Set(ids),
    receivedAt,
    leaseToken: '7',
    rowIds: new Map(
      ids.map((id) => [
        id,
        new Map([
          ['bill', '(0,1)'],
          ['ship', '(0,2)'],
        ]),
      ]),
    ),
  };
}

describe('claimedOnReceive', () => {
  it("hands the caller's decoded payload to a message's first run only; the others decode their own", () => {
    const decoded = { orderId: 'o-1' };
    const [bill, ship] = claimedOnReceive([row('m-1', decoded)], new Set([0]), stored(['m-1']));
    expect(bill).toMatchObject({
      handlerKey: 'bill',
      rowId: '(0,1)',
      leaseToken: '7',
      attempt: 1,
      receivedAt,
    });
    expect(bill.decodedPayload).toBe(decoded);
    expect(ship).toMatchObject({ handlerKey: 'ship', rowId: '(0,2)', decodedPayload: undefined });
  });

  it('claims neither a duplicate nor a message that was not flagged', () => {
    const rows = [row('m-1'), row('m-2'), row('m-3')];
    const claimed = claimedOnReceive(rows, new Set([0, 1]), stored(['m-2', 'm-3']));
    expect(claimed.map((w) => `${w.messageId} ${w.handlerKey}`)).toEqual(['m-2 bill', 'm-2 ship']);
  });
});
