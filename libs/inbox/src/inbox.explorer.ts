import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { assertName } from '@courier-nest/core/internal';
import { InboxHandlerMetadataDecorator } from './decorators/inbox-handler.decorator';
import { InboxConfigurationError } from './errors/inbox-configuration.error';
import { RESOLVED_INBOX_OPTIONS } from './inbox.constants';
import type { ResolvedInboxOptions } from './inbox-options.resolver';
import { InboxRegistry } from './inbox.registry';
import type { InboxHandlerFn, InboxHandlerOptions } from './interfaces/inbox-handler.interface';

// No ":" or ",": handler lists travel to the database as "key:maxAttempts,…".
const HANDLER_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** Finds `@InboxHandler` methods at bootstrap and registers them; starts nothing. */
@Injectable()
export class InboxExplorer implements OnModuleInit {
  private readonly logger = new Logger('InboxExplorer');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly registry: InboxRegistry,
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
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
        this.register(metadata.eventType, metadata.handlerKey, metadata.options, source, handle);
      }
    }
  }

  private assertHandlerOptions(source: string, { timeoutMs, maxAttempts }: InboxHandlerOptions): void {
    if (
      timeoutMs !== undefined &&
      !(Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= 3_600_000)
    ) {
      throw new InboxConfigurationError(
        `${source}: timeoutMs must be an integer from 1 to 3600000; got ${timeoutMs}.`,
      );
    }
    if (
      maxAttempts !== undefined &&
      !(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= 1_000)
    ) {
      throw new InboxConfigurationError(
        `${source}: maxAttempts must be an integer from 1 to 1000; got ${maxAttempts}.`,
      );
    }
  }

  private register(
    eventType: string,
    handlerKey: string,
    options: InboxHandlerOptions,
    source: string,
    handle: InboxHandlerFn,
  ): void {
    assertName('destination', eventType);
    if (!HANDLER_KEY.test(handlerKey)) {
      throw new InboxConfigurationError(
        `${source}: handler key ${JSON.stringify(handlerKey)} must be 1-100 letters, digits, "_", "." or "-".`,
      );
    }
    this.assertHandlerOptions(source, options);
    const existing = this.registry.register({ eventType, handlerKey, options, handle, source });
    if (!existing) return;
    const message = `${source} and ${existing.source} both handle "${eventType}" as "${handlerKey}"`;
    if (this.options.duplicateHandlers === 'error') {
      throw new InboxConfigurationError(
        `${message}: give one another key, or set duplicateHandlers: 'first-wins'.`,
      );
    }
    this.logger.warn(`${message}; ${existing.source} wins (duplicateHandlers: 'first-wins').`);
  }
}
