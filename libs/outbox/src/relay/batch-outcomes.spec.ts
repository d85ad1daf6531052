import { BackoffPolicy } from '@courier-nest/core';
import type { ClaimedRow } from '../outbox.store';
import { sortOutcomes } from './batch-outcomes';

const row = (seq: string, attempts = 0): ClaimedRow => ({
  seq,
  rowId: `(0,${seq})`,
  id: `id-${seq}`,
  destination: 'orders',
  type: 't',
  key: null,
  body: '{}',
  correlationId: 'c',
  causationId: null,
  traceparent: null,
  tracestate: null,
  headers: {},
  occurredAt: new Date(0),
  source: 's',
  attempts,
  leaseToken: '7',
  ageMs: 5,
});

describe('sortOutcomes', () => {
  const backoff = new BackoffPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0 });

  it('deletes only confirmed rows, retries failed ones with backoff by attempt, releases unsent ones', () => {
    const sorted = sortOutcomes(
      [row('1'), row('2', 2), row('3')],
      [
        { status: 'confirmed' },
        { status: 'failed', reason: 'returned', error: 'NO_ROUTE' },
        { status: 'unsent', error: 'broker not connected' },
      ],
      3,
      backoff,
    );
    expect(sorted.confirmed).toEqual([{ seq: '1', rowId: '(0,1)', leaseToken: '7' }]);
    expect(sorted.failures).toEqual([{ seq: '2', error: 'returned: NO_ROUTE', delayMs: 400 }]);
    expect(sorted.unsent).toEqual(['3']);
    expect(sorted.unsentError).toBe('broker not connected');
    expect(sorted.outcomes.map((o) => o.status)).toEqual(['published', 'failed', 'unsent']);
    expect(sorted.outcomes[0].latencyMs).toBe(8);
  });

  it('never treats a missing result as confirmed', () => {
    const sorted = sortOutcomes([row('1'), row('2')], [{ status: 'confirmed' }], 0, backoff);
    expect(sorted.confirmed).toEqual([{ seq: '1', rowId: '(0,1)', leaseToken: '7' }]);
    expect(sorted.unsent).toEqual(['2']);
    expect(sorted.outcomes[1]).toMatchObject({ status: 'unsent', error: 'publisher returned no result' });
  });
});
