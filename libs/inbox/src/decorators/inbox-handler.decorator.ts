import { DiscoveryService } from '@nestjs/core';
import type { InboxHandlerOptions } from '../interfaces/inbox-handler.interface';

export interface InboxHandlerMetadata {
  eventType: string;
  handlerKey: string;
  options: InboxHandlerOptions;
}

/** Pure metadata, read by the explorer through `DiscoveryService`. */
export const InboxHandlerMetadataDecorator = DiscoveryService.createDecorator<InboxHandlerMetadata>();

/**
 * Registers a provider method as the handler `handlerKey` for `eventType`. Each
 * (eventType, handlerKey) keeps its own status, attempts and dead state per message.
 *
 * @example
 * @InboxHandler('order_events', 'reserve_stock', { transactional: true })
 * async reserve(message: InboxMessage<OrderCreated>, { manager }: InboxHandlerContext) { … }
 */
export function InboxHandler(
  eventType: string,
  handlerKey: string,
  options: InboxHandlerOptions = {},
): MethodDecorator {
  return InboxHandlerMetadataDecorator({ eventType, handlerKey, options });
}
