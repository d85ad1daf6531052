import { InvalidOptionError } from '../errors/invalid-option.error';
import { BackoffOptions, BackoffPolicy } from './backoff.policy';

const fixed = (value: number) => () => value;

describe('BackoffPolicy', () => {
  it('has documented defaults', () => {
    const policy = new BackoffPolicy();
    expect(policy).toMatchObject({ initialDelayMs: 1_000, maxDelayMs: 300_000, multiplier: 2, jitter: 0.2 });
  });

  it('grows exponentially without jitter', () => {
    const policy = new BackoffPolicy({ initialDelayMs: 100, multiplier: 3, jitter: 0 });
    expect([1, 2, 3, 4].map((n) => policy.delayAfter(n))).toEqual([100, 300, 900, 2_700]);
  });

  it('treats attempts below 1 as the first attempt', () => {
    const policy = new BackoffPolicy({ initialDelayMs: 100, jitter: 0 });
    expect(policy.delayAfter(0)).toBe(100);
    expect(policy.delayAfter(-5)).toBe(100);
  });

  it('caps every delay at maxDelayMs, even for huge attempt numbers', () => {
    const policy = new BackoffPolicy({ initialDelayMs: 1_000, maxDelayMs: 5_000, jitter: 0 });
    expect([3, 4, 10, 5_000].map((n) => policy.delayAfter(n))).toEqual([4_000, 5_000, 5_000, 5_000]);
  });

  describe('jitter with an injected random', () => {
    const options: BackoffOptions = { initialDelayMs: 1_000, multiplier: 2, jitter: 0.5 };

    it('random 0 gives the lower bound base * (1 - jitter)', () => {
      expect(new BackoffPolicy(options, fixed(0)).delayAfter(2)).toBe(1_000);
    });

    it('random 0.5 gives the midpoint', () => {
      expect(new BackoffPolicy(options, fixed(0.5)).delayAfter(2)).toBe(1_500);
    });

    it('random 1 gives the full base delay', () => {
      expect(new BackoffPolicy(options, fixed(1)).delayAfter(2)).toBe(2_000);
    });

    it('is deterministic for a given random', () => {
      const a = new BackoffPolicy(options, fixed(0.37));
      const b = new BackoffPolicy(options, fixed(0.37));
      expect([1, 2, 3].map((n) => a.delayAfter(n))).toEqual([1, 2, 3].map((n) => b.delayAfter(n)));
    });

    it('stays within [base * (1 - jitter), base] for any random in [0, 1]', () => {
      const samples = [0, 0.001, 0.25, 0.5, 0.75, 0.999, 1];
      for (const r of samples) {
        const delay = new BackoffPolicy({ ...options, jitter: 0.2, maxDelayMs: 10_000 }, fixed(r)).delayAfter(
          5,
        );
        expect(delay).toBeGreaterThanOrEqual(8_000); // base = min(10_000, 16_000) = 10_000
        expect(delay).toBeLessThanOrEqual(10_000);
      }
    });

    it('full jitter (1) spans 0 to base', () => {
      expect(new BackoffPolicy({ jitter: 1 }, fixed(0)).delayAfter(3)).toBe(0);
      expect(new BackoffPolicy({ jitter: 1 }, fixed(1)).delayAfter(3)).toBe(4_000);
    });
  });

  describe('horizonMs', () => {
    it('sums the un-jittered delays between attempts, capped', () => {
      const policy = new BackoffPolicy({ initialDelayMs: 1_000, maxDelayMs: 3_000 });
      expect(policy.horizonMs(1)).toBe(0);
      expect(policy.horizonMs(2)).toBe(1_000);
      expect(policy.horizonMs(5)).toBe(1_000 + 2_000 + 3_000 + 3_000);
    });

    it('equals the total of the longest possible delays (random = 1)', () => {
      const policy = new BackoffPolicy({ initialDelayMs: 700, maxDelayMs: 20_000, jitter: 0.3 }, fixed(1));
      const total = [1, 2, 3, 4, 5, 6].reduce((sum, n) => sum + policy.delayAfter(n), 0);
      expect(total).toBe(policy.horizonMs(7));
    });
  });

  describe('invalid options', () => {
    it.each<[BackoffOptions, string]>([
      [{ initialDelayMs: -1 }, 'backoff.initialDelayMs'],
      [{ initialDelayMs: NaN }, 'backoff.initialDelayMs'],
      [{ maxDelayMs: Infinity }, 'backoff.maxDelayMs'],
      [{ initialDelayMs: 5_000, maxDelayMs: 1_000 }, 'backoff.maxDelayMs'],
      [{ multiplier: 0.5 }, 'backoff.multiplier'],
      [{ multiplier: NaN }, 'backoff.multiplier'],
      [{ multiplier: Infinity }, 'backoff.multiplier'],
      [{ jitter: -0.1 }, 'backoff.jitter'],
      [{ jitter: 1.5 }, 'backoff.jitter'],
      [{ jitter: NaN }, 'backoff.jitter'],
    ])('%j throws InvalidOptionError naming %s', (options, option) => {
      let error: unknown;
      try {
        new BackoffPolicy(options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error).toMatchObject({ option, code: 'COURIER_INVALID_OPTION' });
      expect((error as Error).message).toContain(`"${option}"`);
    });

    it('accepts the boundary values', () => {
      expect(
        () => new BackoffPolicy({ initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, jitter: 0 }),
      ).not.toThrow();
      expect(() => new BackoffPolicy({ jitter: 1 })).not.toThrow();
    });
  });
});
