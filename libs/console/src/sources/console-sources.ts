import { Injectable, Logger, type OnModuleInit, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ConsumerQueueAdmin } from '@courier-nest/consumer';
import { CONSOLE_LOG_CONTEXT, CONSUMER_QUEUE_ADMIN_TOKEN } from '../console.constants';
import type {
  ConsoleConsumer,
  ConsoleConsumerRegistry,
  ConsoleInbox,
  ConsoleOutbox,
  ConsoleRelay,
} from './console-sources.interface';
import { optionalPackage } from './optional-package';

/**
 * The parts of Courier this service has, found once at startup: the outbox if
 * `OutboxModule` is imported, the inbox if `InboxModule` is, the consumer queues if
 * `ConsumerModule` is and the transport gives a queue admin. A part it lacks is null,
 * and the console shows it as absent.
 */
@Injectable()
export class ConsoleSources implements OnModuleInit {
  outbox: ConsoleOutbox | null = null;
  relay: ConsoleRelay | null = null;
  inbox: ConsoleInbox | null = null;
  consumer: ConsoleConsumer | null = null;

  constructor(private readonly moduleRef: ModuleRef) {}

  async onModuleInit(): Promise<void> {
    const outbox = await optionalPackage<{ OutboxService: Type; OutboxRelay: Type }>(
      '@courier-nest/outbox',
      () => import('@courier-nest/outbox'),
    );
    this.outbox = outbox ? this.find<ConsoleOutbox>(outbox.OutboxService) : null;
    this.relay = outbox && this.outbox ? this.find<ConsoleRelay>(outbox.OutboxRelay) : null;
    const inbox = await optionalPackage<{ InboxService: Type }>(
      '@courier-nest/inbox',
      () => import('@courier-nest/inbox'),
    );
    this.inbox = inbox ? this.find<ConsoleInbox>(inbox.InboxService) : null;
    const consumer = await optionalPackage<{ ConsumerRegistry: Type }>(
      '@courier-nest/consumer',
      () => import('@courier-nest/consumer'),
    );
    const registry = consumer ? this.find<ConsoleConsumerRegistry>(consumer.ConsumerRegistry) : null;
    const admin = this.find<ConsumerQueueAdmin>(CONSUMER_QUEUE_ADMIN_TOKEN);
    if (registry && !admin) {
      new Logger(CONSOLE_LOG_CONTEXT).warn(
        'ConsumerModule is imported but no transport provides a consumer queue admin: the console shows no consumer queues.',
      );
    }
    this.consumer =
      registry && admin ? { admin, queues: () => registry.allDefinitions().map((d) => d.queue) } : null;
  }

  private find<T>(token: Type | symbol): T | null {
    try {
      return this.moduleRef.get<unknown, T>(token, { strict: false });
    } catch {
      return null;
    }
  }
}
