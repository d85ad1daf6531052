import { BackoffPolicy } from '@courier-nest/core';
import { backoffDelayRanges } from './retry-delays';

describe('backoffDelayRanges', () => {
  it('gives one range per retry with the runner defaults (5 attempts, 1 s doubling, 20 % jitter)', () => {
    expect(backoffDelayRanges()).toEqual([
      { minMs: 800, maxMs: 1_000 },
      { minMs: 1_600, maxMs: 2_000 },
      { minMs: 3_200, maxMs: 4_000 },
      { minMs: 6_400, maxMs: 8_000 },
    ]);
  });

  it('stops once the delay reached maxDelayMs, however many attempts remain', () => {
    const ranges = backoffDelayRanges({
      maxAttempts: 1_000,
      retryBackoff: { initialDelayMs: 100, maxDelayMs: 400, jitter: 0 },
    });
    expect(ranges).toEqual([
      { minMs: 100, maxMs: 100 },
      { minMs: 200, maxMs: 200 },
      { minMs: 400, maxMs: 400 },
    ]);
  });

  it('has none when a message gets a single attempt', () => {
    expect(backoffDelayRanges({ maxAttempts: 1 })).toEqual([]);
  });

  it('holds every delay the backoff picks', () => {
    const options = { maxAttempts: 6, retryBackoff: { initialDelayMs: 300, multiplier: 3, jitter: 0.5 } };
    const ranges = backoffDelayRanges(options);
    for (const random of [0, 0.37, 0.999, 1]) {
      const policy = new BackoffPolicy({ maxDelayMs: 60_000, ...options.retryBackoff }, () => random);
      for (let attempt = 1; attempt < 6; attempt++) {
        const delay = policy.delayAfter(attempt);
        expect(ranges.some((range) => range.minMs <= delay && delay <= range.maxMs)).toBe(true);
      }
    }
  });
});
