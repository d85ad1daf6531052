import type { LoggerService } from '@nestjs/common';
import type { BackoffOptions } from '@courier-nest/core';
import type { ConsumerObserver } from './consumer-observer.interface';

/**
 * What happens to a message whose processor threw (stalk's and patron's strategies).
 * - `requeue`: try again after a backoff delay; after `maxAttempts`, dead-letter it.
 * - `dead-letter`: move it to the error destination at once.
 * - `ack`: drop it; logged and counted, nothing else.
 * - `exit`: give the message back untouched, stop the runner and call `onExit`
 *   (by default: shut the process down with a non-zero exit code).
 */
export type FailureStrategy = 'requeue' | 'dead-letter' | 'ack' | 'exit';

export interface ConsumerRunnerOptions {
  /** Messages processed at once. Changeable with `setConcurrency`. @default 1 */
  concurrency?: number;
  /**
   * Unsettled deliveries the transport may hand over. More than `concurrency` keeps a
   * small local buffer so a processor never waits for a network round trip.
   * @default concurrency
   */
  prefetch?: number;
  /** @default 'requeue' */
  failureStrategy?: FailureStrategy;
  /** Attempts before a retried message is dead-lettered (the first delivery counts). @default 5 */
  maxAttempts?: number;
  /** Delay between attempts. @default { initialDelayMs: 1000, maxDelayMs: 60000, multiplier: 2, jitter: 0.2 } */
  retryBackoff?: BackoffOptions;
  /**
   * A processor still running after this is treated as failed (its `signal` aborts)
   * and the failure strategy applies. 0 disables the limit. @default 30000
   */
  processTimeoutMs?: number;
  /** Do not take deliveries until `resume()`. @default false */
  startPaused?: boolean;
  /** Delay between attempts to recreate a failed consumer. @default { initialDelayMs: 100, maxDelayMs: 10000 } */
  recreateBackoff?: BackoffOptions;
  /** How long `stop()` waits for running processors. @default 30000 */
  shutdownTimeoutMs?: number;
  /** @default a Nest `Logger` with context `Consumer:<source>` */
  logger?: LoggerService;
  /** Metrics hooks; the Nest module wires Prometheus. */
  observer?: ConsumerObserver;
  /**
   * Called once when the `exit` strategy fires, after the runner stopped.
   * @default sets `process.exitCode = 1` and sends the process SIGTERM, so Nest's
   * shutdown hooks (if enabled) close the application; without them the process ends.
   */
  onExit?: (error: unknown) => void;
}
