import type { DeadInboxRun, DeadLetter, DeadOutboxMessage } from '../http/console-api.types';
import { formatDeadList } from './dead-list.format';

const outbox: DeadOutboxMessage = {
  id: '0190d2a4-5b6c-7d8e-9f00-112233445566',
  destination: 'order_events',
  type: 'order_created',
  key: 'o-1',
  payload: '{"orderId":"o-1"}',
  attempts: 10,
  lastError:
    'NO_ROUTE: the message was returned by the broker, no queue is bound to order_events with order_created; retried',
  deadAt: '2026-12-02T15:00:00.000Z',
};

describe('formatDeadList', () => {
  it('shows an outbox message: id, destination, type, attempts, dead time, the last error shortened', () => {
    expect(formatDeadList('outbox', [outbox], false).split('\n')).toEqual([
      'ID                                    DESTINATION   TYPE           ATTEMPTS  DEAD AT               LAST ERROR',
      '0190d2a4-5b6c-7d8e-9f00-112233445566  order_events  order_created        10  2026-12-02 15:00:00Z  NO_ROUTE: the message was returned by the broker, no queue is bound to…',
      '',
    ]);
  });

  it('names an inbox run as replay takes it, <messageId>/<handlerKey>, with attempts of the maximum', () => {
    const run: DeadInboxRun = {
      messageId: 'm-1',
      eventType: 'order_events',
      handlerKey: 'reserve_stock',
      messageType: 'order_created',
      payload: '{}',
      attempts: 1,
      maxAttempts: 5,
      lastError: 'InboxNonRetryableError: order_created needs lines\n    at reserveStock',
      deadAt: '2026-12-02T15:00:00Z',
    };
    expect(formatDeadList('inbox', [run], false).split('\n').slice(0, 2)).toEqual([
      'RUN (MESSAGE ID/HANDLER KEY)  TYPE           ATTEMPTS  DEAD AT               LAST ERROR',
      'm-1/reserve_stock             order_created       1/5  2026-12-02 15:00:00Z  InboxNonRetryableError: order_created needs lines…',
    ]);
  });

  it('shows a dead letter with its reason, and blanks for what the broker did not say', () => {
    const letter: DeadLetter = {
      queue: 'jobs',
      deadLetterQueue: 'jobs.dead',
      position: 0,
      messageId: 'j-1',
      type: null,
      payload: 'raw',
      reason: 'rejected',
      attempts: null,
      deadLetteredAt: null,
    };
    expect(formatDeadList('consumer', [letter], false).split('\n').slice(1, 2)).toEqual([
      'j-1         -            -  -        rejected',
    ]);
  });

  it('prints payloads only when asked, below the table and escaped', () => {
    expect(formatDeadList('outbox', [outbox], false)).not.toContain('orderId');
    const withPayload = formatDeadList('outbox', [{ ...outbox, payload: '{"note":"\u001b[31mred"}' }], true);
    expect(withPayload).toContain(
      '\nPayloads:\n\n0190d2a4-5b6c-7d8e-9f00-112233445566:\n  {"note":"\\u001b[31mred"}\n',
    );
  });

  it('prints nothing for an empty page (the command says so in its footer)', () => {
    expect(formatDeadList('inbox', [], true)).toBe('');
  });
});
