export interface CourierRabbitMQOptions {
  /** e.g. `amqp://user:pass@host:5672/vhost?heartbeat=10`. Never logged unredacted. */
  uri: string;
  /** Shown in the management UI. @default the service's package name */
  connectionName?: string;
  /** Declare each destination (a durable topic exchange) before its first publish. @default true */
  declareExchanges?: boolean;
  /** A batch's messages not confirmed within this are failed (retried later). @default 10000 */
  confirmTimeoutMs?: number;
  /** Reconnect backoff after the connection drops. @default { initialDelayMs: 100, maxDelayMs: 10000 } */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** How the inbox is fed when `InboxModule` is imported too. */
  inbox?: RabbitMQInboxOptions;
}

export interface RabbitMQInboxOptions {
  /** Consume for the inbox's event types. @default true */
  enabled?: boolean;
  /**
   * Unacknowledged deliveries per consumer (explicit; RabbitMQ's default is unlimited).
   * It also bounds a store batch: more in flight, fewer and larger INSERTs. @default 500
   */
  prefetch?: number;
  /** `quorum` replicates; its delivery limit dead-letters instead of dropping. @default 'classic' */
  queueType?: 'classic' | 'quorum';
  /** Redeliveries a quorum queue allows before dead-lettering. @default 20 */
  deliveryLimit?: number;
  /** Queue name for an event type. @default `${serviceName}.${eventType}` */
  queueName?: (serviceName: string, eventType: string) => string;
  /** Wait before requeueing deliveries that could not be stored (database down). @default 1000, doubling to 30000 */
  storeRetryDelayMs?: number;
}
