import { performance } from 'node:perf_hooks';
import type { Logger } from '@nestjs/common';
import type { OutboxPublisher } from '@courier-nest/core';
import type { Claim, WorkProcessor } from '@courier-nest/core/internal';
import type { ResolvedOutboxOptions } from '../outbox-options.resolver';
import type { ClaimedRow, OutboxStore } from '../outbox.store';
import type { RelayBatchResult, RelayObserver } from './relay-batch-result.interface';
import { RelayBatchListeners } from './relay-batch.listeners';
import { RelayBatchSettler } from './relay-batch.settler';

/**
 * What the relay does with a claim: publishes it pipelined, settles it by the results
 * (fenced by the claim's token), tells the listeners, and has the engine wake when the
 * soonest retry it scheduled is due.
 */
export class RelayBatchProcessor implements WorkProcessor<ClaimedRow, RelayBatchResult> {
  readonly listeners: RelayBatchListeners;
  private readonly settler: RelayBatchSettler;

  constructor(
    /** The transport; throws when the module has none (the relay refuses to start then). */
    private readonly publisher: () => OutboxPublisher,
    store: OutboxStore,
    private readonly options: ResolvedOutboxOptions,
    private readonly retryAfter: (delayMs: number) => void,
    logger: Logger,
    observer?: RelayObserver,
  ) {
    this.settler = new RelayBatchSettler(store, options.relay, logger);
    this.listeners = new RelayBatchListeners(logger, observer);
  }

  /** The engine claims only while the transport would accept a publish. */
  isReady(): boolean {
    return this.publisher().isReady();
  }

  async process(claim: Claim<ClaimedRow>): Promise<RelayBatchResult> {
    const started = performance.now();
    const results = await this.publisher().publishBatch(claim.items);
    const timing = { started, sinceClaimMs: performance.now() - started };
    const { result, retryInMs } = await this.settler.settle(claim.items, claim.token, results, timing);
    if (retryInMs !== null) this.retryAfter(retryInMs);
    this.listeners.emit(result);
    return result;
  }

  /** Per key: publishing a key's head made its next message claimable. */
  claimAgain(result: RelayBatchResult): boolean {
    return this.options.ordering === 'per-key' && result.published > 0;
  }
}
