export {
  CONSUMER_QUEUE_ADMIN,
  CONSUMER_TRANSPORT,
  ConsumerHeaders,
  DEFAULT_DEAD_LETTER_SUFFIX,
} from './consumer.constants';
export * from './errors';
export type * from './interfaces/consumer.interface';
export type * from './interfaces/consumer-observer.interface';
export type * from './interfaces/consumer-queue-admin.interface';
export type * from './interfaces/consumer-runner-options.interface';
export type * from './interfaces/message.interface';
export type * from './interfaces/pause-options.interface';
export {
  Outcome,
  type ProcessContext,
  type ProcessOutcome,
  type Processor,
} from './interfaces/processor.interface';
export { InMemoryBroker, type InMemoryPublishAttributes } from './memory/in-memory.broker';
export type { StoredMessage } from './memory/in-memory.queue';
export { InMemoryQueueAdmin } from './memory/in-memory-queue.admin';
// The queue admin's shared rules, for transports implementing ConsumerQueueAdmin.
export { CheckedQueueAdmin, type AdminQueue } from './admin/checked-queue.admin';
export { MAX_DEAD_LETTER_WINDOW, type DeadLetterTarget } from './admin/dead-letter-request.checks';
export { toDeadLetter, type DeadLetterFields } from './admin/dead-letter.view';
export { headersForRequeue } from './admin/requeue-headers';
export { backoffDelayRanges, type RetryDelayRange } from './runner/retry-delays';
export { attemptFromHeaders, contextFromAttributes } from './message/message-context';
export { SettleOnceMessage } from './message/settle-once.message';
export { ConsumerRunner, type RunnerState } from './runner/consumer.runner';
export { ConsumerBuilder } from './builder/consumer.builder';
export { ConsumeQueue } from './decorators/consume-queue.decorator';
export { ConsumerModule } from './consumer.module';
export { CONSUMER_ASYNC_OPTIONS_TYPE, CONSUMER_OPTIONS_TYPE } from './consumer.module-definition';
export { ConsumerRegistry } from './consumer.registry';
export type * from './interfaces/consumer-module-options.interface';
export { ConsumerMetricNames, ConsumerMetrics } from './metrics/consumer.metrics';
