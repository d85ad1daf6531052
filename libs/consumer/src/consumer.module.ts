import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConsumerExplorer } from './consumer.explorer';
import {
  CONSUMER_MODULE_OPTIONS,
  CONSUMER_OPTIONS_TYPE,
  ConfigurableConsumerModule,
  RESOLVED_CONSUMER_MODULE_OPTIONS,
} from './consumer.module-definition';
import { ConsumerOrchestrator } from './consumer.orchestrator';
import { ConsumerRegistry } from './consumer.registry';
import { ConsumerConfigurationError } from './errors/consumer-configuration.error';
import type { ConsumerModuleOptions } from './interfaces/consumer-module-options.interface';
import { ConsumerMetrics, consumerMetricProviders } from './metrics/consumer.metrics';
import { validateQueueMap } from './queue-ref.resolver';
import { resolveRunnerOptions } from './runner/consumer-runner-options.resolver';

/**
 * The async consumer component, Nest-native: `@ConsumeQueue` methods are found at
 * bootstrap and each gets a runner (concurrency, retries, dead letters, pause/resume)
 * on the configured transport. `ConsumerRegistry.get(queue)` reaches a runner.
 *
 * @example
 * ConsumerModule.forRoot({ defaults: { failureStrategy: 'dead-letter' } })
 *
 * @example
 * // queue names from configuration, for @ConsumeQueue({ key: 'orders' })
 * ConsumerModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ queues: { orders: config.getOrThrow('ORDERS_QUEUE') } }),
 * })
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: RESOLVED_CONSUMER_MODULE_OPTIONS,
      useFactory: (options: ConsumerModuleOptions) => validated(options),
      inject: [CONSUMER_MODULE_OPTIONS],
    },
    ...consumerMetricProviders,
    ConsumerMetrics,
    ConsumerRegistry,
    ConsumerExplorer,
    ConsumerOrchestrator,
  ],
  exports: [ConsumerRegistry, ConsumerMetrics],
})
export class ConsumerModule extends ConfigurableConsumerModule {
  /** Validates the defaults at once, so a bad one fails before anything connects. */
  static override forRoot(options: typeof CONSUMER_OPTIONS_TYPE = {}): DynamicModule {
    validated(options);
    return super.forRoot(options);
  }
}

function validated(options: ConsumerModuleOptions = {}): ConsumerModuleOptions {
  validateQueueMap(options.queues);
  try {
    resolveRunnerOptions('defaults', options.defaults);
  } catch (error) {
    throw new ConsumerConfigurationError(`ConsumerModule defaults: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return options;
}
