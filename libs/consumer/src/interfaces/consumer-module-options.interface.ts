import type { ConsumerFactory } from './consumer.interface';
import type { ConsumerRunnerOptions } from './consumer-runner-options.interface';

/**
 * Where consumers of a named source come from. `CourierRabbitMQModule` provides one
 * for RabbitMQ queues; `InMemoryBroker` is one for tests and demos.
 */
export interface ConsumerTransport {
  consumerFactory(source: string): ConsumerFactory;
}

/** What `@ConsumeQueue` accepts: the runner's options, minus what the module wires. */
export type ConsumeQueueOptions = Omit<ConsumerRunnerOptions, 'logger' | 'observer'>;

export interface ConsumerModuleOptions {
  /** @default the `CONSUMER_TRANSPORT` provider (registered by `CourierRabbitMQModule`) */
  transport?: ConsumerTransport;
  /** Options every `@ConsumeQueue` starts from; its own options win. */
  defaults?: ConsumeQueueOptions;
}
