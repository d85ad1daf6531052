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
}
