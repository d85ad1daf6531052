import type { Message } from './message.interface';

/**
 * What a processor decided (the worker design's acknowledgments).
 * - `ack`: done.
 * - `reject`: it can never be processed: dead-letter it now with the reason.
 * - `requeue`: try again later (counts as an attempt; after `maxAttempts` it is dead-lettered).
 * - `release`: not the message's fault (a dependency is down): give it back untouched
 *   after `delayMs`, holding it meanwhile. Not an attempt, so it is never dead-lettered
 *   for an outage; the delay keeps the redelivery from becoming a hot loop.
 */
export type ProcessOutcome =
  | { readonly kind: 'ack' }
  | { readonly kind: 'reject'; readonly reason: string }
  | { readonly kind: 'requeue'; readonly reason?: string; readonly delayMs?: number }
  | { readonly kind: 'release'; readonly reason: string; readonly delayMs: number };

export const Outcome = {
  ack: (): ProcessOutcome => ({ kind: 'ack' }),
  reject: (reason: string): ProcessOutcome => ({ kind: 'reject', reason }),
  requeue: (reason?: string, delayMs?: number): ProcessOutcome => ({ kind: 'requeue', reason, delayMs }),
  release: (reason: string, delayMs: number): ProcessOutcome => ({ kind: 'release', reason, delayMs }),
} as const;

export interface ProcessContext {
  /** Aborted when the processing timeout passes or the runner is stopping for good. */
  readonly signal: AbortSignal;
}

/**
 * Handles one message. Returning nothing means `ack`. A thrown error goes to the
 * runner's failure strategy, except `NonRetryableError`, which dead-letters at once.
 */
export type Processor = (
  message: Message,
  context: ProcessContext,
) => Promise<ProcessOutcome | void> | ProcessOutcome | void;
