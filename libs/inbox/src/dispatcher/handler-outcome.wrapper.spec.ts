import { handlerPipeline, type PipelineStep } from '@courier-nest/core/internal';
import { HandlerTimeoutError } from '../errors/handler-timeout.error';
import { InboxNonRetryableError } from '../errors/inbox-non-retryable.error';
import type { RegisteredHandler } from '../inbox.registry';
import type { ClaimedWork } from '../inbox.store';
import { handlerOutcomeWrapper } from './handler-outcome.wrapper';
import { HandlerScope } from './handler-scope';

const work: ClaimedWork = {
  messageId: 'm-1',
  handlerKey: 'bill',
  rowId: '(0,1)',
  attempt: 1,
  leaseToken: '7',
  eventType: 'order_events',
  type: null,
  payload: '{}',
  headers: {},
  occurredAt: null,
  receivedAt: new Date(),
};
const registered = (transactional = false): RegisteredHandler => ({
  eventType: 'order_events',
  handlerKey: 'bill',
  options: { transactional },
  source: 'Billing.bill',
  handle: () => undefined,
});
const outcomeOf = (step: PipelineStep<ClaimedWork, HandlerScope, unknown>, scope: HandlerScope) =>
  handlerPipeline(step).wrap(handlerOutcomeWrapper()).step(work, scope);

describe('handlerOutcomeWrapper', () => {
  it('is done when the handler returns, committed when it ran in its done-mark transaction', async () => {
    await expect(outcomeOf(() => undefined, new HandlerScope(work, registered(), 1_000))).resolves.toEqual({
      outcome: 'done',
      committed: false,
    });
    await expect(
      outcomeOf(async () => 'x', new HandlerScope(work, registered(true), 1_000)),
    ).resolves.toEqual({
      outcome: 'done',
      committed: true,
    });
  });

  it('fails without running when no handler is registered for the pair in this process', async () => {
    const step = jest.fn();
    await expect(outcomeOf(step, new HandlerScope(work, undefined, 1_000))).resolves.toEqual({
      outcome: 'failed',
      reason: 'no-handler',
      error: 'no handler "bill" is registered for "order_events" in this process',
    });
    expect(step).not.toHaveBeenCalled();
  });

  it('fails an attempt that threw, synchronously or not, with the error named', async () => {
    const scope = () => new HandlerScope(work, registered(), 1_000);
    const expected = { outcome: 'failed', reason: 'error', error: 'TypeError: no stock' };
    await expect(
      outcomeOf(() => {
        throw new TypeError('no stock');
      }, scope()),
    ).resolves.toEqual(expected);
    await expect(outcomeOf(() => Promise.reject(new TypeError('no stock')), scope())).resolves.toEqual(
      expected,
    );
    await expect(outcomeOf(() => Promise.reject('plain'), scope())).resolves.toMatchObject({
      error: 'plain',
    });
  });

  it('makes the pair dead at once for InboxNonRetryableError', async () => {
    const step = () => Promise.reject(new InboxNonRetryableError('unknown sku'));
    await expect(outcomeOf(step, new HandlerScope(work, registered(), 1_000))).resolves.toEqual({
      outcome: 'dead',
      reason: 'non-retryable',
      error: 'InboxNonRetryableError: unknown sku',
    });
  });

  it('fails with reason timeout when the run was aborted by its own timeout', async () => {
    const scope = new HandlerScope(work, registered(), 50);
    const timeout = new HandlerTimeoutError('bill', 50);
    scope.abort(timeout);
    await expect(outcomeOf(() => Promise.reject(timeout), scope)).resolves.toEqual({
      outcome: 'failed',
      reason: 'timeout',
      error: 'timed out after 50 ms',
    });
  });

  it('treats a HandlerTimeoutError that is not its run’s timeout as an error', async () => {
    const step = () => Promise.reject(new HandlerTimeoutError('other', 10));
    await expect(outcomeOf(step, new HandlerScope(work, registered(), 1_000))).resolves.toMatchObject({
      outcome: 'failed',
      reason: 'error',
    });
  });
});
