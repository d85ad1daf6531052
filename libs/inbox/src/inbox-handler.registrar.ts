import { Inject, Injectable, Logger } from '@nestjs/common';
import { assertName } from '@courier-nest/core/internal';
import { InboxConfigurationError } from './errors/inbox-configuration.error';
import { RESOLVED_INBOX_OPTIONS } from './inbox.constants';
import type { ResolvedInboxOptions } from './inbox-options.resolver';
import { InboxRegistry, type RegisteredHandler } from './inbox.registry';
import type { InboxHandlerOptions } from './interfaces/inbox-handler.interface';

// No ":" or ",": handler lists travel to the database as "key:maxAttempts,…".
const HANDLER_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/**
 * Checks a handler and adds it to the registry: one path for `@InboxHandler` methods (the
 * explorer) and for handlers registered at run time (`InboxService.registerHandler`), so
 * both meet the same name rules, option limits and duplicate policy.
 */
@Injectable()
export class InboxHandlerRegistrar {
  private readonly logger = new Logger('InboxExplorer');

  constructor(
    private readonly registry: InboxRegistry,
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
  ) {}

  /** Throws `InboxConfigurationError` (or `InvalidIdentifierError` for the event type) on a bad handler. */
  register(handler: RegisteredHandler): void {
    const { eventType, handlerKey, options, source } = handler;
    assertName('destination', eventType);
    if (typeof handlerKey !== 'string' || !HANDLER_KEY.test(handlerKey)) {
      throw new InboxConfigurationError(
        `${source}: handler key ${JSON.stringify(handlerKey)} must be 1-100 letters, digits, "_", "." or "-".`,
      );
    }
    if (typeof handler.handle !== 'function') {
      throw new InboxConfigurationError(
        `${source}: handle must be a function; got ${typeof handler.handle}.`,
      );
    }
    this.assertHandlerOptions(source, options);
    const existing = this.registry.register(handler);
    if (!existing) return;
    const message = `${source} and ${existing.source} both handle "${eventType}" as "${handlerKey}"`;
    if (this.options.duplicateHandlers === 'error') {
      throw new InboxConfigurationError(
        `${message}: give one another key, or set duplicateHandlers: 'first-wins'.`,
      );
    }
    this.logger.warn(`${message}; ${existing.source} wins (duplicateHandlers: 'first-wins').`);
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
}
