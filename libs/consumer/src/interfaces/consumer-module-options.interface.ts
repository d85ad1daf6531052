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

/**
 * Which queue a `@ConsumeQueue` method consumes: a queue name fixed in code, or
 * `{ key }`, a key of `ConsumerModuleOptions.queues` resolved at bootstrap, for names that
 * come from configuration.
 */
export type QueueRef = string | { key: string };

export interface ConsumerModuleOptions {
  /** @default the `CONSUMER_TRANSPORT` provider (registered by `CourierRabbitMQModule`) */
  transport?: ConsumerTransport;
  /**
   * Queue names by key, for `@ConsumeQueue({ key })`: the decorator names the key when the
   * class is defined, and the name is read here at bootstrap (from `forRootAsync`'s factory,
   * typically out of `ConfigService`). A key no entry has fails the bootstrap.
   *
   * @example
   * ConsumerModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ queues: { orders: config.getOrThrow('ORDERS_QUEUE') } }),
   * })
   */
  queues?: Record<string, string>;
  /** Options every `@ConsumeQueue` starts from; its own options win. */
  defaults?: ConsumeQueueOptions;
}
