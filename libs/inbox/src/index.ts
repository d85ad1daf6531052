// The public surface of @courier-nest/inbox: what an application writes against.
export { InboxModule } from './inbox.module';
export type { InboxDeadInfo, InboxErrorInfo, InboxModuleOptions } from './interfaces/inbox-options.interface';
export { InboxHandler } from './decorators/inbox-handler.decorator';
export type {
  InboxHandlerContext,
  InboxHandlerFn,
  InboxHandlerOptions,
  InboxHandlerRegistration,
} from './interfaces/inbox-handler.interface';
export type { InboxMessage } from './interfaces/inbox-message.interface';
export { InboxService, type ReceiveResult } from './inbox.service';
export type { DeadInboxHandler, InboxStats } from './inbox.store';
export type {
  DeadInboxEntry,
  DeadInboxFilter,
  DeadInboxPage,
  DeadInboxQuery,
  InboxHandlerRun,
  InboxHandlerStats,
  InboxHandlerStatus,
  InboxMessageRecord,
} from './interfaces/inbox-dead.interface';
export { InboxRetention } from './retention/inbox-retention.service';
export * from './errors';
export { InboxHealthIndicator, type InboxHealthThresholds } from './health/inbox.health';
export { InboxMetricNames } from './metrics/inbox.metrics';
export { inboxMigrations, inboxSchemaSql } from './migrations/inbox.migrations';
export { inboxSchemaChain } from './migrations/inbox-schema.chain';
// What a handler or a receive meets from core, so that users of the inbox need no other package.
export {
  CourierError,
  InvalidCursorError,
  InvalidFilterError,
  InvalidIdentifierError,
  InvalidMessageError,
  InvalidOptionError,
  MalformedJsonError,
  PayloadTooLargeError,
  SchemaVersionError,
  UnsafeJsonError,
  type BackoffOptions,
} from '@courier-nest/core';
// The port a transport feeds the inbox through (CourierRabbitMQModule uses it).
export { INBOX_FEED, type InboxFeed, type IncomingMessage } from '@courier-nest/core';
