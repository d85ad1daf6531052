// The public surface of @courier-nest/outbox: what an application writes against.
export { OutboxModule } from './outbox.module';
export type {
  OutboxModuleOptions,
  OutboxOrdering,
  OutboxRelayOptions,
} from './interfaces/outbox-options.interface';
export { OutboxService } from './outbox.service';
export type { DeadOutboxMessage, OutboxStats } from './outbox.store';
export type {
  DeadOutboxEntry,
  DeadOutboxFilter,
  DeadOutboxPage,
  DeadOutboxQuery,
  OutboxDestinationStats,
  OutboxMessageRecord,
  OutboxMessageState,
} from './interfaces/outbox-dead.interface';
export { OutboxRelay } from './relay/outbox-relay.service';
export type { RelayBatchResult, RelayMessageOutcome } from './relay/relay-batch-result.interface';
export { OutboxTransactions } from './transaction/outbox-transactions.service';
export { Transactional } from './transaction/transactional.decorator';
export { TransactionalInterceptor } from './transaction/transactional.interceptor';
export * from './errors';
export { OutboxHealthIndicator, type OutboxHealthThresholds } from './health/outbox.health';
export { OutboxMetricNames } from './metrics/outbox.metrics';
export { outboxMigrations, outboxSchemaSql } from './migrations/outbox.migrations';
export { outboxSchemaChain } from './migrations/outbox-schema.chain';
// What a publish takes and the errors it throws, so that users of the outbox need no other package.
export {
  CourierError,
  InvalidCursorError,
  InvalidFilterError,
  InvalidIdentifierError,
  InvalidMessageError,
  InvalidOptionError,
  MAX_SCHEDULE_DELAY_MS,
  PayloadTooLargeError,
  SchemaVersionError,
  UnsafeJsonError,
  type BackoffOptions,
  type OutgoingMessage,
} from '@courier-nest/core';
// The port a transport implements (CourierRabbitMQModule provides it).
export {
  OUTBOX_PUBLISHER,
  type OutboxDelivery,
  type OutboxPublisher,
  type PublishFailureReason,
  type PublishResult,
} from '@courier-nest/core';
