import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { OUTBOX_PUBLISHER } from '@courier-nest/core';
import { GolevelupConnection } from './connection/golevelup-connection';
import { RESOLVED_GOLEVELUP_OPTIONS } from './golevelup.constants';
import { resolveGolevelupOptions } from './golevelup-options.resolver';
import { CourierInboxReceiver } from './inbox/courier-inbox.receiver';
import type { CourierGolevelupOptions } from './interfaces/golevelup-options.interface';
import { GolevelupOutboxPublisher } from './publisher/golevelup-outbox.publisher';

/**
 * Courier for an app on @golevelup/nestjs-rabbitmq, over golevelup's one connection:
 * the outbox publisher (registered as `OUTBOX_PUBLISHER`, instead of
 * `CourierRabbitMQModule`) and `CourierInboxReceiver` for `@RabbitSubscribe` handlers.
 * Global, like Courier's other modules, so `OutboxModule` finds the publisher.
 *
 * @example
 * imports: [
 *   RabbitMQModule.forRoot({ uri: process.env.AMQP_URL, exchanges: [...] }),
 *   CourierGolevelupModule.forRoot({ outbox: true, inbox: true }),
 *   OutboxModule.forRoot({ serviceName: 'orders' }),
 *   InboxModule.forRoot({ serviceName: 'orders' }),
 * ]
 */
@Module({})
export class CourierGolevelupModule {
  /** Options are checked here, so a bad one fails before anything connects. */
  static forRoot(options: CourierGolevelupOptions = {}): DynamicModule {
    const resolved = resolveGolevelupOptions(options);
    const providers: Provider[] = [
      { provide: RESOLVED_GOLEVELUP_OPTIONS, useValue: resolved },
      GolevelupConnection,
    ];
    const exports: DynamicModule['exports'] = [GolevelupConnection];
    if (resolved.outbox) {
      providers.push(GolevelupOutboxPublisher, {
        provide: OUTBOX_PUBLISHER,
        useExisting: GolevelupOutboxPublisher,
      });
      exports.push(GolevelupOutboxPublisher, OUTBOX_PUBLISHER);
    }
    if (resolved.inbox) {
      providers.push(CourierInboxReceiver);
      exports.push(CourierInboxReceiver);
    }
    return { module: CourierGolevelupModule, global: true, providers, exports };
  }
}
