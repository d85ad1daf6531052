export interface CourierPostgresOptions {
  /** The bus database, e.g. `postgres://user:pass@host:5432/app`: the services' own or one of its own. Never logged unredacted. */
  url: string;
  /** Schema of the bus tables. @default 'courier_bus' */
  schema?: string;
  /** Apply the bus schema's missing versions at startup (else only check them). @default true */
  migrationsRun?: boolean;
  /** Connections of the bus's pool. @default 10 */
  poolSize?: number;
  /** How long a delivery is leased without a renewal (renewed while it is held). @default 5000 */
  leaseMs?: number;
  /** Fallback poll of an idle consumer (a NOTIFY wakes it at once). @default 1000 */
  pollIntervalMs?: number;
  /** How the inbox is fed when `InboxModule` is imported too. */
  inbox?: PostgresInboxOptions;
}

export interface PostgresInboxOptions {
  /** Consume for the inbox's event types. @default true */
  enabled?: boolean;
  /** Deliveries claimed and stored per batch. @default 500 */
  batchSize?: number;
  /** Queue name for an event type. @default `${serviceName}.${eventType}` */
  queueName?: (serviceName: string, eventType: string) => string;
}
