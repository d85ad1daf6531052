import { DiscoveryService } from '@nestjs/core';
import type { ConsumeQueueOptions } from '../interfaces/consumer-module-options.interface';

export interface ConsumeQueueMetadata {
  queue: string;
  options: ConsumeQueueOptions;
}

/** Pure metadata, read by the explorer through `DiscoveryService`. */
export const ConsumeQueueMetadataDecorator = DiscoveryService.createDecorator<ConsumeQueueMetadata>();

/**
 * Runs a provider method for every message of `queue`, through the consumer runner:
 * return nothing or `Outcome.ack()` → ack; `Outcome.reject(reason)` → dead letter;
 * `Outcome.requeue()` → retry later; a throw → the failure strategy.
 *
 * @example
 * @ConsumeQueue('thumbnails', { concurrency: 4, failureStrategy: 'dead-letter' })
 * async render(message: Message, { signal }: ProcessContext) { … }
 */
export function ConsumeQueue(queue: string, options: ConsumeQueueOptions = {}): MethodDecorator {
  return ConsumeQueueMetadataDecorator({ queue, options });
}
