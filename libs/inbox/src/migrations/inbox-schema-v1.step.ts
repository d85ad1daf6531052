import { type SchemaStep } from '@courier-nest/core';
import { quoteIdentifier, schemaVersionRecordSql } from '@courier-nest/core/internal';

/**
 * Inbox schema version 1. SHIPPED: never edit this file (append-only, see README.md);
 * a change to the schema is the next step.
 *
 * Idempotent, so it also brings tables made before the schema was versioned to version
 * 1 (it drops the foreign key an earlier DDL made). Its TypeORM name
 * (CourierInbox<Schema>1763800000001) is the one those releases used.
 *
 * One row per received message (its id is the dedup key)
 * and one state row per (message, handler) with the seed's statuses:
 * pending → progress → done | failed (retried) | dead.
 */
export const inboxSchemaV1: SchemaStep = {
  version: 1,
  name: 'create-tables',
  timestamp: 1763800000001,
  up,
  down,
};

function up(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE SEQUENCE IF NOT EXISTS ${schema}.inbox_lease_token_seq`,
    `CREATE TABLE IF NOT EXISTS ${schema}.inbox_messages (
      id           text        PRIMARY KEY,
      event_type   text        NOT NULL,
      message_type text,
      payload      text        NOT NULL,
      headers      jsonb       NOT NULL DEFAULT '{}'::jsonb,
      occurred_at  timestamptz,
      received_at  timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE IF NOT EXISTS ${schema}.inbox_handler_states (
      message_id   text        NOT NULL,
      handler_key  text        NOT NULL,
      -- Denormalised from the message: a process claims only the (event type, handler)
      -- pairs it has registered, so processes with different handlers share one inbox.
      event_type   text        NOT NULL,
      max_attempts integer     NOT NULL,
      status       text        NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'progress', 'failed', 'done', 'dead')),
      attempts     integer     NOT NULL DEFAULT 0,
      available_at timestamptz NOT NULL DEFAULT now(),
      lease_owner  text,
      lease_token  bigint,
      last_error   text,
      updated_at   timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (message_id, handler_key)
    )`,
    // The dispatcher's claim: due work only; done and dead rows never enter this index.
    `CREATE INDEX IF NOT EXISTS inbox_handler_states_due ON ${schema}.inbox_handler_states (available_at)
      WHERE status IN ('pending', 'progress', 'failed')`,
    `CREATE INDEX IF NOT EXISTS inbox_handler_states_dead ON ${schema}.inbox_handler_states (handler_key)
      WHERE status = 'dead'`,
    // No foreign key to inbox_messages: its check cost a third of the receive statement
    // (a lookup and a row lock per handler row). Handler rows are only ever written with
    // their message, and purge and the retention sweep delete both. Dropped where an
    // earlier version of this DDL created it.
    `ALTER TABLE ${schema}.inbox_handler_states DROP CONSTRAINT IF EXISTS inbox_handler_states_message_id_fkey`,
    // BRIN: received_at grows with insertion order, and a block-range index costs almost
    // nothing per insert, which a B-tree on the hottest table would not.
    `CREATE INDEX IF NOT EXISTS inbox_messages_received ON ${schema}.inbox_messages USING brin (received_at)`,
    ...schemaVersionRecordSql(schemaName, 'inbox_schema_version', inboxSchemaV1),
  ];
}

function down(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  return [
    `DROP TABLE IF EXISTS ${schema}.inbox_handler_states`,
    `DROP TABLE IF EXISTS ${schema}.inbox_messages`,
    `DROP SEQUENCE IF EXISTS ${schema}.inbox_lease_token_seq`,
    `DROP TABLE IF EXISTS ${schema}.inbox_schema_version`,
  ];
}
