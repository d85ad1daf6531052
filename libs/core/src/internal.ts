// `@courier-nest/core/internal`: plumbing the Courier packages share (SQL helpers, wake-up
// signals, option checks, tracing glue, the handler pipeline). Not public API: it changes
// without notice, and applications import from the package roots instead.
export * from './amqp/amqp-publish.mapper';
export * from './concurrency/delay';
export * from './concurrency/wake-signal';
export * from './concurrency/with-timeout';
export * from './envelope/message-schedule';
export * from './envelope/message-validation';
export * from './envelope/nul-character';
export * from './metrics/bounded-label';
export * from './metrics/cached-snapshot';
export * from './options/option-checks';
export * from './pipeline/handler-pipeline';
export * from './pipeline/log-context.wrapper';
export * from './pipeline/metrics.wrapper';
export * from './pipeline/run-scope';
export * from './pipeline/timeout.wrapper';
export * from './pipeline/tracing.wrapper';
export * from './postgres/pg-listener';
export * from './postgres/relaxed-commit';
export * from './redaction/url.redaction';
export * from './postgres/schema-migration';
export * from './schema/schema-chain';
export * from './schema/schema-chain.apply';
export * from './schema/schema-chain.migrations';
export * from './schema/schema-state';
export * from './postgres/tid-range';
export * from './query/epoch-micros';
export * from './query/filter-checks';
export * from './query/keyset-cursor';
export * from './query/sql-parameters';
export * from './query/unseen-limit';
export * from './sql/like-pattern';
export * from './sql/sql-identifier';
export * from './sql/statement-prefix';
export * from './tracing/trace-propagation';
export * from './tracing/traced-run';
