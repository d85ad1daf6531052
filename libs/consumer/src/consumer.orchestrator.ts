import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CONSUMER_TRANSPORT } from './consumer.constants';
import { RESOLVED_CONSUMER_MODULE_OPTIONS } from './consumer.module-definition';
import { ConsumerRegistry } from './consumer.registry';
import { ConsumerConfigurationError } from './errors/consumer-configuration.error';
import type {
  ConsumerModuleOptions,
  ConsumerTransport,
} from './interfaces/consumer-module-options.interface';
import { ConsumerMetrics } from './metrics/consumer.metrics';
import { ConsumerRunner } from './runner/consumer.runner';

/**
 * Starts a runner per `@ConsumeQueue` method once the application is up, and drains
 * them all (in parallel, each bounded by its `shutdownTimeoutMs`) before shutdown.
 */
@Injectable()
export class ConsumerOrchestrator implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ConsumerOrchestrator');

  constructor(
    private readonly registry: ConsumerRegistry,
    private readonly metrics: ConsumerMetrics,
    @Inject(RESOLVED_CONSUMER_MODULE_OPTIONS) private readonly options: ConsumerModuleOptions,
    @Optional() @Inject(CONSUMER_TRANSPORT) private readonly providedTransport?: ConsumerTransport,
  ) {}

  onApplicationBootstrap(): void {
    const definitions = this.registry.allDefinitions();
    if (definitions.length === 0) return;
    const transport = this.transport(definitions.map((d) => d.origin));
    for (const definition of definitions) {
      const runner = new ConsumerRunner(transport.consumerFactory(definition.queue), definition.processor, {
        ...this.registry.runnerOptions(definition.queue),
        logger: new Logger(`Consumer:${definition.queue}`),
        observer: this.metrics,
      });
      this.registry.attach(definition.queue, runner);
      runner.start();
    }
    this.logger.log(
      `Started ${definitions.length} consumer(s): ${definitions.map((d) => d.queue).join(', ')}`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.registry.all().map((runner) => runner.stop()));
  }

  private transport(origins: string[]): ConsumerTransport {
    const transport = this.options.transport ?? this.providedTransport;
    if (!transport) {
      throw new ConsumerConfigurationError(
        `${origins.join(', ')} consume queues, but no transport is configured: import CourierRabbitMQModule, ` +
          'or pass ConsumerModule.forRoot({ transport: new InMemoryBroker() }) for tests.',
      );
    }
    return transport;
  }
}
