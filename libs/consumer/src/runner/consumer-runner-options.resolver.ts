import { Logger, type LoggerService } from '@nestjs/common';
import { BackoffPolicy } from '@courier-nest/core';
import { OptionChecks } from '@courier-nest/core/internal';
import type { ConsumerRunnerOptions, FailureStrategy } from '../interfaces/consumer-runner-options.interface';
import type { ConsumerObserver } from '../interfaces/consumer-observer.interface';

export const FAILURE_STRATEGIES: readonly FailureStrategy[] = ['requeue', 'dead-letter', 'ack', 'exit'];
export const MAX_CONCURRENCY = 10_000;
/** AMQP's prefetch count is a 16-bit field. */
export const MAX_PREFETCH = 65_535;
/** The longest delay `setTimeout` keeps (a 32-bit signed count of milliseconds). */
export const MAX_TIMER_MS = 2_147_483_647;
export const DEFAULT_MAX_ATTEMPTS = 5;

/** The backoff between attempts: the defaults under the consumer's own `retryBackoff`. */
export function retryBackoffOf(options: Pick<ConsumerRunnerOptions, 'retryBackoff'>): BackoffPolicy {
  return new BackoffPolicy({ initialDelayMs: 1_000, maxDelayMs: 60_000, ...options.retryBackoff });
}

export interface ResolvedRunnerOptions {
  concurrency: number;
  /** Explicit prefetch, or undefined to follow concurrency. */
  prefetch?: number;
  failureStrategy: FailureStrategy;
  maxAttempts: number;
  retryBackoff: BackoffPolicy;
  processTimeoutMs: number;
  startPaused: boolean;
  recreateBackoff: BackoffPolicy;
  shutdownTimeoutMs: number;
  logger: LoggerService;
  observer?: ConsumerObserver;
  onExit: (error: unknown) => void;
}

/** Defaults and validation, once, where options enter: a bad one fails before anything connects. */
export function resolveRunnerOptions(
  source: string,
  options: ConsumerRunnerOptions = {},
): ResolvedRunnerOptions {
  const concurrency = OptionChecks.integer('concurrency', options.concurrency ?? 1, 1, MAX_CONCURRENCY);
  if (options.prefetch !== undefined) {
    OptionChecks.integer('prefetch', options.prefetch, concurrency, MAX_PREFETCH);
  }
  return {
    concurrency,
    prefetch: options.prefetch,
    failureStrategy: OptionChecks.oneOf(
      'failureStrategy',
      options.failureStrategy ?? 'requeue',
      FAILURE_STRATEGIES,
    ),
    maxAttempts: OptionChecks.integer('maxAttempts', options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, 1, 1_000),
    retryBackoff: retryBackoffOf(options),
    processTimeoutMs: OptionChecks.integer(
      'processTimeoutMs',
      options.processTimeoutMs ?? 30_000,
      0,
      MAX_TIMER_MS,
    ),
    startPaused: options.startPaused ?? false,
    recreateBackoff: new BackoffPolicy({
      initialDelayMs: 100,
      maxDelayMs: 10_000,
      ...options.recreateBackoff,
    }),
    shutdownTimeoutMs: OptionChecks.integer(
      'shutdownTimeoutMs',
      options.shutdownTimeoutMs ?? 30_000,
      0,
      MAX_TIMER_MS,
    ),
    logger: options.logger ?? new Logger(`Consumer:${source}`),
    observer: options.observer,
    onExit: options.onExit ?? exitProcess,
  };
}

/** How long `pause({ drain: true })` waits: its own `timeoutMs`, else the runner's `shutdownTimeoutMs`. */
export function resolveDrainTimeout(timeoutMs: number | undefined, options: ResolvedRunnerOptions): number {
  return OptionChecks.integer('timeoutMs', timeoutMs ?? options.shutdownTimeoutMs, 0, MAX_TIMER_MS);
}

function exitProcess(): void {
  process.exitCode = 1;
  process.kill(process.pid, 'SIGTERM');
}
