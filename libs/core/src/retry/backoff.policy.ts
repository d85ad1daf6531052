import { InvalidOptionError } from '../errors/invalid-option.error';

export interface BackoffOptions {
  /** Delay before the second attempt. @default 1000 */
  initialDelayMs?: number;
  /** Upper bound of any delay. @default 300000 (5 minutes) */
  maxDelayMs?: number;
  /** Growth per attempt. @default 2 */
  multiplier?: number;
  /**
   * Fraction of the delay that is randomised (0 = none, 1 = "full jitter"), so that
   * messages failing together do not retry together. @default 0.2
   */
  jitter?: number;
}

/** Delays are stored as integer milliseconds; a week is far beyond any sensible retry. */
export const MAX_BACKOFF_DELAY_MS = 7 * 24 * 3_600_000;

/**
 * Exponential backoff with jitter: the delay after attempt n (1-based) is
 * min(max, initial * multiplier^(n-1)), of which a `jitter` fraction is random.
 */
export class BackoffPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  readonly jitter: number;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initialDelayMs = options.initialDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 300_000;
    this.multiplier = options.multiplier ?? 2;
    this.jitter = options.jitter ?? 0.2;
    BackoffPolicy.validate(this);
  }

  /** Delay in ms to wait after the given failed attempt (1 = the first attempt). */
  delayAfter(attempt: number): number {
    const exponent = Math.max(0, attempt - 1);
    const base = Math.min(this.maxDelayMs, this.initialDelayMs * Math.pow(this.multiplier, exponent));
    const randomPart = base * this.jitter * this.random();
    return Math.round(base * (1 - this.jitter) + randomPart);
  }

  /** The longest total wait across `attempts` attempts: what a retention window must exceed. */
  horizonMs(attempts: number): number {
    let total = 0;
    for (let attempt = 1; attempt < attempts; attempt++) {
      total += Math.min(this.maxDelayMs, this.initialDelayMs * Math.pow(this.multiplier, attempt - 1));
    }
    return total;
  }

  private static validate(policy: BackoffPolicy): void {
    const positive = (name: string, value: number) => {
      if (!Number.isFinite(value) || value < 0) {
        throw new InvalidOptionError(name, `Option "${name}" must be a finite number >= 0; got ${value}.`);
      }
    };
    positive('backoff.initialDelayMs', policy.initialDelayMs);
    positive('backoff.maxDelayMs', policy.maxDelayMs);
    if (!(policy.multiplier >= 1) || !Number.isFinite(policy.multiplier)) {
      throw new InvalidOptionError(
        'backoff.multiplier',
        `Option "backoff.multiplier" must be a finite number >= 1; got ${policy.multiplier}.`,
      );
    }
    if (!(policy.jitter >= 0 && policy.jitter <= 1)) {
      throw new InvalidOptionError(
        'backoff.jitter',
        `Option "backoff.jitter" must be between 0 and 1; got ${policy.jitter}.`,
      );
    }
    if (policy.maxDelayMs > MAX_BACKOFF_DELAY_MS) {
      throw new InvalidOptionError(
        'backoff.maxDelayMs',
        `Option "backoff.maxDelayMs" must be at most ${MAX_BACKOFF_DELAY_MS} (7 days); got ${policy.maxDelayMs}.`,
      );
    }
    if (policy.maxDelayMs < policy.initialDelayMs) {
      throw new InvalidOptionError(
        'backoff.maxDelayMs',
        `Option "backoff.maxDelayMs" (${policy.maxDelayMs}) must be >= backoff.initialDelayMs (${policy.initialDelayMs}).`,
      );
    }
  }
}
