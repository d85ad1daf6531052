import { retryLevelMs, retryLevelsBetween, retryQueueName } from './retry-queues';

describe('retry levels', () => {
  it('round a delay to the nearest power of two of milliseconds, so few queues serve all delays', () => {
    expect([0, 1, 3, 1_000, 1_500, 60_000].map(retryLevelMs)).toEqual([1, 1, 4, 1_024, 2_048, 65_536]);
  });

  it('name a queue per level beside its source', () => {
    expect(retryQueueName('jobs', 1_024)).toBe('jobs.retry.1024ms');
  });
});

describe('retryLevelsBetween', () => {
  it('lists every level a delay in the range rounds to', () => {
    expect(retryLevelsBetween(800, 1_000)).toEqual([1_024]);
    expect(retryLevelsBetween(2_000, 4_000)).toEqual([2_048, 4_096]);
    expect(retryLevelsBetween(0, 5)).toEqual([1, 2, 4]);
  });
});
