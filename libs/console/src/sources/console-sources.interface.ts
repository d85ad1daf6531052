import type { InboxService } from '@courier-nest/inbox';
import type { OutboxRelay, OutboxService } from '@courier-nest/outbox';
import type { ConsumerQueueAdmin, ConsumerRegistry } from '@courier-nest/consumer';

/** What the console reads and changes of the outbox. */
export type ConsoleOutbox = Pick<
  OutboxService,
  | 'pageDead'
  | 'requeueDead'
  | 'requeueDeadMatching'
  | 'purgeDead'
  | 'purgeDeadMatching'
  | 'destinationStats'
  | 'findMessage'
>;

/** What the console reads and changes of the inbox. */
export type ConsoleInbox = Pick<
  InboxService,
  | 'pageDead'
  | 'replayMany'
  | 'replayMatching'
  | 'purgeDead'
  | 'purgeDeadMatching'
  | 'handlerStats'
  | 'findMessage'
>;

export type ConsoleRelay = Pick<OutboxRelay, 'onBatch'>;

export interface ConsoleConsumer {
  queues(): string[];
  admin: ConsumerQueueAdmin;
}

export type ConsoleConsumerRegistry = Pick<ConsumerRegistry, 'allDefinitions'>;
