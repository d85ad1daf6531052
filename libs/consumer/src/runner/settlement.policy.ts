import { MAX_BACKOFF_DELAY_MS, type BackoffPolicy } from '@courier-nest/core';
import { NonRetryableError } from '../errors/non-retryable.error';
import type { FailureStrategy } from '../interfaces/consumer-runner-options.interface';
import type { ProcessOutcome } from '../interfaces/processor.interface';

/** What the runner does with a message once its processor is finished with it. */
export type Settlement =
  | { readonly kind: 'ack' }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly reason: string }
  | { readonly kind: 'dead_letter'; readonly reason: string }
  | { readonly kind: 'dropped'; readonly reason: string }
  | { readonly kind: 'released'; readonly reason: string; readonly delayMs: number }
  | { readonly kind: 'exit'; readonly reason: string; readonly error: unknown };

/**
 * Turns a processor's outcome or error into a settlement: the one place where the
 * failure strategy, the attempt limit and the backoff meet. Pure, so every path is
 * unit-tested without a transport.
 */
export class SettlementPolicy {
  constructor(
    private readonly strategy: FailureStrategy,
    private readonly maxAttempts: number,
    private readonly backoff: BackoffPolicy,
  ) {}

  /** Anything but a reject, requeue or release outcome is an ack: "returning nothing means ack". */
  fromOutcome(outcome: ProcessOutcome | void, attempt: number): Settlement {
    if (!isOutcome(outcome)) return { kind: 'ack' };
    if (outcome.kind === 'reject') return { kind: 'dead_letter', reason: `rejected: ${outcome.reason}` };
    if (outcome.kind === 'release')
      return { kind: 'released', reason: outcome.reason, delayMs: this.validDelay(outcome.delayMs, attempt) };
    if (outcome.kind === 'requeue')
      return this.retry(attempt, outcome.reason ?? 'requeued by the processor', outcome.delayMs);
    return { kind: 'ack' };
  }

  fromError(error: unknown, attempt: number): Settlement {
    const reason = describe(error);
    if (error instanceof NonRetryableError) return { kind: 'dead_letter', reason };
    switch (this.strategy) {
      case 'requeue':
        return this.retry(attempt, reason);
      case 'dead-letter':
        return { kind: 'dead_letter', reason };
      case 'ack':
        return { kind: 'dropped', reason };
      case 'exit':
        return { kind: 'exit', reason, error };
    }
  }

  private retry(attempt: number, reason: string, delayMs?: number): Settlement {
    if (attempt >= this.maxAttempts) {
      return { kind: 'dead_letter', reason: `gave up after ${attempt} attempts: ${reason}` };
    }
    return { kind: 'retry', reason, delayMs: this.validDelay(delayMs, attempt) };
  }

  /** A processor's delay, if it is a sane number of milliseconds; else the backoff's (NaN from a missing header must not reach the broker). */
  private validDelay(delayMs: number | undefined, attempt: number): number {
    return typeof delayMs === 'number' &&
      Number.isFinite(delayMs) &&
      delayMs >= 0 &&
      delayMs <= MAX_BACKOFF_DELAY_MS
      ? Math.round(delayMs)
      : this.backoff.delayAfter(attempt);
  }
}

function isOutcome(value: unknown): value is ProcessOutcome {
  const kind = (value as { kind?: unknown } | null | undefined)?.kind;
  return kind === 'reject' || kind === 'requeue' || kind === 'release';
}

/** One line for logs and the dead-letter header: the error's name and message, no stack. */
export function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
