import { DiscoveryService } from '@nestjs/core';
import type { ConsumeQueueOptions, QueueRef } from '../interfaces/consumer-module-options.interface';

export interface ConsumeQueueMetadata {
  queue: QueueRef;
  options: ConsumeQueueOptions;
}

/** Pure metadata, read by the explorer through `DiscoveryService`. */
export const ConsumeQueueMetadataDecorator = DiscoveryService.createDecorator<ConsumeQueueMetadata>();

/**
 * Runs a provider method for every message of `queue`, through the consumer runner:
 * return nothing or `Outcome.ack()` → ack; `Outcome.reject(reason)` → dead letter;
 * `Outcome.requeue()` → retry later; a throw → the failure strategy.
 *
 * `queue` is a queue name, or `{ key }` for a name from configuration: the key is looked
 * up in `ConsumerModule`'s `queues` option at bootstrap, and a key it lacks fails the
 * bootstrap, naming the known keys.
 *
 * @example
 * @ConsumeQueue('thumbnails', { concurrency: 4, failureStrategy: 'dead-letter' })
 * async render(message: Message, { signal }: ProcessContext) { … }
 *
 * @example
 * // ConsumerModule.forRootAsync({ useFactory: (config) => ({ queues: { orders: config.get('ORDERS_QUEUE') } }), … })
 * @ConsumeQueue({ key: 'orders' })
 * async order(message: Message) { … }
 */
export function ConsumeQueue(queue: QueueRef, options: ConsumeQueueOptions = {}): MethodDecorator {
  return ConsumeQueueMetadataDecorator({ queue, options });
}
