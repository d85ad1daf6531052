import type { Provider } from '@nestjs/common';
import { INBOX_FEED, type InboxFeed } from '@courier-nest/core';
import { RESOLVED_INBOX_OPTIONS } from './inbox.constants';
import type { ResolvedInboxOptions } from './inbox-options.resolver';
import { InboxRegistry } from './inbox.registry';
import { InboxService } from './inbox.service';

/**
 * The inbox as a transport sees it (`INBOX_FEED`): the event types its handlers subscribe to,
 * the codec bodies are decoded with, and the batch store. A transport needs nothing else of
 * the inbox, so it depends on this narrow port instead of the inbox's services and options.
 */
export const inboxFeedProvider: Provider = {
  provide: INBOX_FEED,
  useFactory: (options: ResolvedInboxOptions, registry: InboxRegistry, inbox: InboxService): InboxFeed => ({
    serviceName: options.serviceName,
    codec: options.codec,
    eventTypes: () => registry.eventTypes(),
    onEventTypeAdded: (listener) =>
      registry.onHandlerAdded(({ handler, newEventType }) => {
        if (newEventType) listener(handler.eventType);
      }),
    receiveMany: (messages) => inbox.receiveMany(messages),
  }),
  inject: [RESOLVED_INBOX_OPTIONS, InboxRegistry, InboxService],
};
