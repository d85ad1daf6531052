import { type SchemaStep } from '@courier-nest/core';
import { quoteIdentifier, schemaVersionRecordSql } from '@courier-nest/core/internal';

/**
 * Bus schema version 1. SHIPPED once released: never edit this file (append-only);
 * a change to the schema is the next step.
 *
 * A queue is a name in `bus_queues`; a subscription binds a destination (what the
 * outbox publishes to, an exchange on RabbitMQ) to a queue, and a publish writes one row
 * per subscription of its destination. A row is due when `available_at` has passed: a
 * consumer's claim leases it (owner, fencing token, `available_at` moved to the lease's
 * end); an ack deletes it, a retry makes it due later, a dead letter moves it to the
 * dead-letter queue with the reason in its headers.
 */
export const busSchemaV1: SchemaStep = {
  version: 1,
  name: 'create-tables',
  timestamp: 1796000000000,
  up,
  down,
};

function up(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE SEQUENCE IF NOT EXISTS ${schema}.bus_lease_token_seq`,
    `CREATE TABLE IF NOT EXISTS ${schema}.bus_queues (
      name       text        PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE IF NOT EXISTS ${schema}.bus_subscriptions (
      destination text        NOT NULL,
      queue       text        NOT NULL REFERENCES ${schema}.bus_queues (name) ON DELETE CASCADE,
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (destination, queue)
    )`,
    `CREATE TABLE IF NOT EXISTS ${schema}.bus_messages (
      seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      queue        text        NOT NULL,
      message_id   text,
      body         bytea       NOT NULL,
      properties   jsonb       NOT NULL DEFAULT '{}'::jsonb,
      headers      jsonb       NOT NULL DEFAULT '{}'::jsonb,
      exchange     text        NOT NULL DEFAULT '',
      routing_key  text        NOT NULL,
      redelivered  boolean     NOT NULL DEFAULT false,
      created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
      available_at timestamptz NOT NULL DEFAULT now(),
      lease_owner  text,
      lease_token  bigint
    ) WITH (fillfactor = 70)`,
    // Claims walk one queue's rows in write order; fillfactor: a claim rewrites each row
    // (lease columns, not indexed), so free space lets it be a HOT update.
    `CREATE INDEX IF NOT EXISTS bus_messages_queue_seq ON ${schema}.bus_messages (queue, seq)`,
    ...schemaVersionRecordSql(schemaName, 'bus_schema_version', busSchemaV1),
  ];
}

function down(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  return [
    `DROP TABLE IF EXISTS ${schema}.bus_messages`,
    `DROP TABLE IF EXISTS ${schema}.bus_subscriptions`,
    `DROP TABLE IF EXISTS ${schema}.bus_queues`,
    `DROP SEQUENCE IF EXISTS ${schema}.bus_lease_token_seq`,
    `DROP TABLE IF EXISTS ${schema}.bus_schema_version`,
  ];
}
