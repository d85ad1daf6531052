import type { Logger } from '@nestjs/common';
import type { RelayBatchResult, RelayObserver } from './relay-batch-result.interface';

/** Everyone told about settled batches: the metrics observer and `relay.onBatch` listeners. */
export class RelayBatchListeners {
  private readonly listeners = new Set<(result: RelayBatchResult) => void>();

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly observer?: RelayObserver,
  ) {}

  add(listener: (result: RelayBatchResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(result: RelayBatchResult): void {
    this.observer?.onBatch(result);
    this.listeners.forEach((listener) => {
      try {
        listener(result);
      } catch (error) {
        // The batch is settled; a listener's bug must not look like a failed batch.
        this.logger.warn(`onBatch listener threw: ${(error as Error).message}`);
      }
    });
  }
}
