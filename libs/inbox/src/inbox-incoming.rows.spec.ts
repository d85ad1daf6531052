import { InvalidMessageError, JsonCodec, type IncomingMessage } from '@courier-nest/core';
import { IncomingRows } from './inbox-incoming.rows';
import { InboxRegistry } from './inbox.registry';

const rows = new IncomingRows({ codec: new JsonCodec(), maxAttempts: 5 }, new InboxRegistry());
const message: IncomingMessage = {
  id: 'm-1',
  eventType: 'order_events',
  type: 'order_created',
  payload: { n: 1 },
};

function refusal(m: IncomingMessage): InvalidMessageError {
  try {
    rows.toRows([m]);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return error as InvalidMessageError;
  }
  throw new Error('expected the message to be refused');
}

describe('IncomingRows: NUL characters (PostgreSQL cannot store them)', () => {
  it.each<[string, IncomingMessage, string]>([
    ['the id', { ...message, id: 'm\u00001' }, 'id'],
    ['the type', { ...message, type: 'order\u0000created' }, 'type'],
    ['a header value', { ...message, headers: { tenant: 't\u0000' } }, 'headers.tenant'],
    ['a header name', { ...message, headers: { 'a\u0000': 't' } }, 'headers.a\\u0000'],
    ['a payload string', { ...message, payload: { customerId: 'c\u0000' } }, 'payload.customerId'],
    [
      'the text of a payload given encoded',
      { ...message, payload: { s: 'x\u0000' }, encodedPayload: '{"s":"x\\u0000"}' },
      'payload.s',
    ],
  ])('refuses one in %s, naming the field', (_where, m, field) => {
    const error = refusal(m);
    expect(error.field).toBe(field);
    expect(error.message).toContain('contains a NUL character (U+0000)');
  });

  it('stores text whose backslashes only look like one', () => {
    const [row] = rows.toRows([{ ...message, payload: { path: 'C:\\u0000' } }]);
    expect(row.payload).toBe('{"path":"C:\\\\u0000"}');
  });
});
