import type { Claim } from './leased-queue.port';

/** Where a claim came from: the engine's claim query, or rows a writer stored already claimed. */
export type ClaimOrigin = 'claimed' | 'stored';

export interface ProcessContext {
  /**
   * Aborts when the claim's lease is lost (a renewal found its rows taken, or the
   * database could not be reached for a whole lease) or when shutdown stops waiting.
   * The reason is a `LeaseLostError` or the shutdown's error.
   */
  readonly signal: AbortSignal;
  readonly origin: ClaimOrigin;
}

/**
 * What a user of the engine does with a claim: publish it (the relay), run its
 * handlers (the dispatcher), and settle it, fenced by the claim's token. The engine
 * keeps the claim's lease alive until `process` settles.
 */
export interface WorkProcessor<W, R> {
  process(claim: Claim<W>, context: ProcessContext): Promise<R>;
  /** False while claiming would be pointless (e.g. the broker is not reachable). */
  isReady?(): boolean;
  /** True when the result made more work claimable at once (e.g. the next message of a key). */
  claimAgain?(result: R): boolean;
  /** A claim failed (the engine backs off and tries again); e.g. to report a lost connection. */
  claimFailed?(error: Error): void;
}
