import { ConsumerHeaders } from '../consumer.constants';
import { toDeadLetter } from './dead-letter.view';
import { headersForRequeue } from './requeue-headers';

const where = { queue: 'jobs', deadLetterQueue: 'jobs.dead', position: 7 };

describe('toDeadLetter', () => {
  it('reads the consumer component’s headers out', () => {
    const letter = toDeadLetter(where, {
      payload: Buffer.from('{"a":1}'),
      messageId: 'm-1',
      type: 'job',
      contentType: 'application/json',
      headers: {
        [ConsumerHeaders.deadLetterReason]: 'rejected: no',
        [ConsumerHeaders.attempt]: 3,
        [ConsumerHeaders.deadLetteredAt]: '2025-01-02T03:04:05.000Z',
        [ConsumerHeaders.originalQueue]: Buffer.from('jobs'),
      },
    });
    expect(letter).toEqual({
      ...where,
      messageId: 'm-1',
      type: 'job',
      payload: '{"a":1}',
      payloadEncoding: 'utf8',
      contentType: 'application/json',
      headers: {
        [ConsumerHeaders.deadLetterReason]: 'rejected: no',
        [ConsumerHeaders.attempt]: '3',
        [ConsumerHeaders.deadLetteredAt]: '2025-01-02T03:04:05.000Z',
        [ConsumerHeaders.originalQueue]: 'jobs',
      },
      reason: 'rejected: no',
      attempts: 3,
      deadLetteredAt: new Date('2025-01-02T03:04:05.000Z'),
      originalQueue: 'jobs',
    });
  });

  it('never throws on what it cannot read: bytes as base64, the rest as JSON or null', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const letter = toDeadLetter(where, {
      payload: Buffer.from([0xc3, 0x28]),
      headers: {
        'x-death': [{ queue: Buffer.from('jobs'), count: 2, time: new Date('2025-01-01T00:00:00Z') }],
        bytes: Buffer.from([0xff]),
        big: 10n,
        cyclic,
        none: null,
        [ConsumerHeaders.attempt]: -1,
        [ConsumerHeaders.deadLetteredAt]: 12,
      },
    });
    expect(letter).toMatchObject({
      messageId: null,
      type: null,
      contentType: null,
      payload: 'wyg=',
      payloadEncoding: 'base64',
      attempts: null,
      deadLetteredAt: null,
      reason: null,
    });
    expect(letter.headers).toEqual({
      'x-death': '[{"queue":"jobs","count":2,"time":"2025-01-01T00:00:00.000Z"}]',
      bytes: '/w==',
      big: '10',
      cyclic: '[object Object]',
      none: 'null',
      [ConsumerHeaders.attempt]: '-1',
      [ConsumerHeaders.deadLetteredAt]: '12',
    });
  });
});

describe('headersForRequeue', () => {
  it('drops the attempt count and the dead-letter record, keeps the rest and the original routing', () => {
    expect(
      headersForRequeue({
        tenant: 'acme',
        [ConsumerHeaders.attempt]: 5,
        [ConsumerHeaders.deadLetterReason]: 'r',
        [ConsumerHeaders.originalQueue]: 'jobs',
        [ConsumerHeaders.deadLetteredAt]: 't',
        [ConsumerHeaders.originalExchange]: 'orders',
        [ConsumerHeaders.originalRoutingKey]: 'order.created',
        'x-death': [],
        'x-first-death-queue': 'jobs',
      }),
    ).toEqual({
      tenant: 'acme',
      [ConsumerHeaders.originalExchange]: 'orders',
      [ConsumerHeaders.originalRoutingKey]: 'order.created',
    });
    expect(headersForRequeue(undefined)).toEqual({});
  });
});
