import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { InboxHandlerMetadataDecorator } from './decorators/inbox-handler.decorator';
import { InboxHandlerRegistrar } from './inbox-handler.registrar';
import type { InboxHandlerFn } from './interfaces/inbox-handler.interface';

/** Finds `@InboxHandler` methods at bootstrap and registers them; starts nothing. */
@Injectable()
export class InboxExplorer implements OnModuleInit {
  private readonly logger = new Logger('InboxExplorer');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly registrar: InboxHandlerRegistrar,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const { instance } = wrapper;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const metadata = this.discovery.getMetadataByDecorator(
          InboxHandlerMetadataDecorator,
          wrapper,
          method,
        );
        if (!metadata) continue;
        const source = `${instance.constructor.name}.${method}`;
        if (!wrapper.isDependencyTreeStatic()) {
          this.logger.warn(
            `${source} is on a request-scoped provider and is ignored: inbox handlers need a singleton.`,
          );
          continue;
        }
        const handle = (instance as Record<string, InboxHandlerFn>)[method].bind(instance);
        this.registrar.register({
          eventType: metadata.eventType,
          handlerKey: metadata.handlerKey,
          options: metadata.options,
          source,
          handle,
        });
      }
    }
  }
}
