// The public surface of @courier-nest/core: what an application or a transport writes against.
// Plumbing shared by the sibling packages is in ./internal (`@courier-nest/core/internal`).
export { incomingFromDelivery, type AmqpDelivery, type InboundDelivery } from './amqp/amqp-delivery.mapper';
export * from './clock/clock';
export * from './codec/json-codec';
export * from './envelope/message-envelope.interface';
export * from './envelope/message-id';
export { MAX_SCHEDULE_DELAY_MS } from './envelope/message-schedule';
export * from './envelope/trace-context';
export * from './envelope/wire-headers';
export * from './errors';
export * from './logging/message-log-context';
export * from './ports/inbox-feed.port';
export * from './ports/outbox-publisher.port';
export * from './ports/request-reply.port';
export * from './retry/backoff.policy';
export type { SchemaChain, SchemaStep } from './schema/schema-chain.interface';
