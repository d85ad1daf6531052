/*
 * What Courier uses of @golevelup/nestjs-rabbitmq 9, declared structurally.
 *
 * Why not import golevelup's own types: golevelup 9 peers on @nestjs/common ^11.1.21, so it
 * cannot be installed in Courier's repository (Nest 12) to compile against, and its types
 * pull in amqplib 0.10's, which have no types of their own (@types/amqplib is only
 * golevelup's dev dependency). These few members are stable across golevelup 9 and the
 * amqp-connection-manager 5 under it; a golevelup that lacks them is refused at bootstrap
 * (see golevelup-connection.ts), not at the first publish.
 */

/** golevelup's `AmqpConnection` (the provider `RabbitMQModule.forRoot` registers). */
export interface GolevelupAmqpConnection {
  /** amqp-connection-manager's connection; undefined when golevelup got no connection config. */
  readonly managedConnection: ManagedAmqpConnection | undefined;
}

/** amqp-connection-manager's `AmqpConnectionManager`: one recovering connection. */
export interface ManagedAmqpConnection {
  /** The amqplib connection of the moment; undefined while disconnected. */
  readonly connection: AmqpClientConnection | undefined;
  isConnected(): boolean;
  on(event: 'connect' | 'disconnect' | 'blocked' | 'unblocked', listener: () => void): unknown;
  removeListener(event: 'connect' | 'disconnect' | 'blocked' | 'unblocked', listener: () => void): unknown;
}

/** amqplib's connection (the callback-free API amqp-connection-manager hands out). */
export interface AmqpClientConnection {
  createConfirmChannel(): Promise<AmqpConfirmChannel>;
}

/** amqplib's `ConfirmChannel`, as far as publishing with confirms and returns goes. */
export interface AmqpConfirmChannel {
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: object,
    callback: (error: unknown) => void,
  ): boolean;
  on(event: 'return', listener: (message: AmqpReturnedMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'drain' | 'close', listener: () => void): unknown;
  close(): Promise<void>;
}

/** A mandatory message the broker could not route (basic.return). */
export interface AmqpReturnedMessage {
  fields: { exchange: string; routingKey: string; replyCode?: number; replyText?: string };
  properties: { messageId?: unknown };
}

/** The channel golevelup hands its error handlers (`errorHandler: (channel, msg, error)`). */
export interface AmqpNackChannel {
  nack(message: never, allUpTo?: boolean, requeue?: boolean): void;
}
