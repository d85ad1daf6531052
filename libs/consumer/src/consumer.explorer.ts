import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ConsumeQueueMetadataDecorator } from './decorators/consume-queue.decorator';
import { ConsumerConfigurationError } from './errors/consumer-configuration.error';
import type { ConsumerModuleOptions, QueueRef } from './interfaces/consumer-module-options.interface';
import type { Processor } from './interfaces/processor.interface';
import { RESOLVED_CONSUMER_MODULE_OPTIONS } from './consumer.module-definition';
import { ConsumerRegistry } from './consumer.registry';
import { resolveQueueRef } from './queue-ref.resolver';
import { resolveRunnerOptions } from './runner/consumer-runner-options.resolver';

/** Finds `@ConsumeQueue` methods at bootstrap and registers them; starts nothing. */
@Injectable()
export class ConsumerExplorer implements OnModuleInit {
  private readonly logger = new Logger('ConsumerExplorer');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly registry: ConsumerRegistry,
    @Inject(RESOLVED_CONSUMER_MODULE_OPTIONS) private readonly options: ConsumerModuleOptions,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const { instance } = wrapper;
      if (!instance || typeof instance !== 'object') continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const metadata = this.discovery.getMetadataByDecorator(
          ConsumeQueueMetadataDecorator,
          wrapper,
          method,
        );
        if (!metadata) continue;
        const origin = `${instance.constructor.name}.${method}`;
        if (!wrapper.isDependencyTreeStatic()) {
          this.logger.warn(
            `${origin} is on a request-scoped provider and is ignored: consumers need a singleton.`,
          );
          continue;
        }
        this.register(
          metadata.queue,
          origin,
          metadata.options,
          (instance as Record<string, Processor>)[method].bind(instance),
        );
      }
    }
  }

  private register(ref: QueueRef, origin: string, options: object, processor: Processor): void {
    const queue = resolveQueueRef(ref, this.options.queues, origin);
    const existing = this.registry.definition(queue);
    if (existing) {
      throw new ConsumerConfigurationError(
        `${origin} and ${existing.origin} both consume queue "${queue}": one queue, one consumer method (use concurrency to scale).`,
      );
    }
    try {
      resolveRunnerOptions(queue, options);
    } catch (error) {
      throw new ConsumerConfigurationError(`${origin}: ${(error as Error).message}`, { cause: error });
    }
    this.registry.define({ queue, origin, processor, options });
  }
}
