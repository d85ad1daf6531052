import type { InjectionToken } from '@nestjs/common';

/** Options of `CourierGolevelupModule.forRoot`. */
export interface CourierGolevelupOptions {
  /**
   * Register the outbox publisher over golevelup's connection under `OUTBOX_PUBLISHER`
   * (use it instead of `CourierRabbitMQModule`). Needs `OutboxModule`. @default true
   */
  outbox?: boolean;
  /** Register `CourierInboxReceiver` for `@RabbitSubscribe` handlers. Needs `InboxModule`. @default true */
  inbox?: boolean;
  /** How long one outbox batch may wait for the broker's confirms; then its rows fail ('timeout'). @default 10000 */
  confirmTimeoutMs?: number;
  /**
   * The token of golevelup's `AmqpConnection` to use. @default golevelup's `AmqpConnection`
   * class (the connection `RabbitMQModule.forRoot` registers). For a second named connection,
   * provide it under a token of yours, e.g.
   * `{ provide: 'ORDERS_AMQP', useFactory: (m: AmqpConnectionManager) => m.getConnection('orders'), inject: [AmqpConnectionManager] }`.
   */
  connection?: InjectionToken;
}
