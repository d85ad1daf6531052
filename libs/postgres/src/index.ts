export { PostgresBus, type BusOutgoing, type BusPublishRow } from './postgres-bus';
export { PostgresConsumerFactory, type PostgresConsumerOptions } from './consumer/postgres-consumer.factory';
export { busMigrations, busSchemaSql } from './migrations/bus.migrations';
export { busSchemaChain } from './migrations/bus-schema.chain';
export { PostgresOutboxPublisher } from './publisher/postgres-outbox.publisher';
