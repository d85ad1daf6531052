import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { PgListener } from '@courier-nest/core/internal';
import { RESOLVED_OUTBOX_OPTIONS } from '../outbox.constants';
import type { ResolvedOutboxOptions } from '../outbox-options.resolver';
import { OutboxStore } from '../outbox.store';
import { OutboxRelay } from './outbox-relay.service';

/**
 * Wakes the relay on every NOTIFY of the outbox channel, so a commit in any instance
 * is published within milliseconds; the poll interval covers while it reconnects.
 */
@Injectable()
export class OutboxNotificationListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly listener: PgListener;

  constructor(
    @Inject(RESOLVED_OUTBOX_OPTIONS) private readonly options: ResolvedOutboxOptions,
    store: OutboxStore,
    relay: OutboxRelay,
  ) {
    this.listener = new PgListener(
      () => store.connect(),
      options.notifyChannel,
      () => relay.wake(),
      new Logger('OutboxNotificationListener'),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.relay.enabled && this.options.notify) await this.listener.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.listener.stop();
  }

  isListening(): boolean {
    return this.listener.isListening();
  }
}
