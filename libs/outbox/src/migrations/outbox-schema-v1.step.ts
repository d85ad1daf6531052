import { type SchemaStep } from '@courier-nest/core';
import { quoteIdentifier, schemaVersionRecordSql } from '@courier-nest/core/internal';

/**
 * Outbox schema version 1. SHIPPED: never edit this file (append-only, see README.md);
 * a change to the schema is the next step.
 *
 * Idempotent (IF NOT EXISTS), so it also brings tables made before the schema was
 * versioned to version 1, and a DBA may apply it twice. It was edited in place before
 * versioning; its TypeORM name (CourierOutbox<Schema>1763800000000) is the one those
 * releases used, so a database that ran it through TypeORM does not run it again.
 *
 * Rows are deleted once confirmed; what stays is pending (due or leased), backing
 * off after a failure, or dead (`dead_at` set). `seq` is the write order and the
 * per-key ordering key; `lease_token` is the fencing token of the latest claim.
 */
export const outboxSchemaV1: SchemaStep = {
  version: 1,
  name: 'create-tables',
  timestamp: 1763800000000,
  up,
  down,
};

function up(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  const table = `${schema}.outbox_messages`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE SEQUENCE IF NOT EXISTS ${schema}.outbox_lease_token_seq`,
    `CREATE TABLE IF NOT EXISTS ${table} (
      seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      id             uuid        NOT NULL,
      destination    text        NOT NULL,
      type           text        NOT NULL,
      key            text,
      payload        text        NOT NULL,
      headers        jsonb       NOT NULL DEFAULT '{}'::jsonb,
      correlation_id text        NOT NULL,
      causation_id   text,
      traceparent    text,
      tracestate     text,
      source         text        NOT NULL,
      occurred_at    timestamptz NOT NULL,
      created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
      available_at   timestamptz NOT NULL DEFAULT now(),
      attempts       integer     NOT NULL DEFAULT 0,
      lease_owner    text,
      lease_token    bigint,
      last_error     text,
      dead_at        timestamptz
    ) WITH (fillfactor = 70)`,
    // fillfactor: a claim rewrites each row (lease columns, none indexed); free space on
    // the page lets PostgreSQL do it as a HOT update, without touching the indexes.
    // Per-key ordering asks "is there an earlier row with my key?" for every candidate.
    `CREATE INDEX IF NOT EXISTS outbox_messages_key_seq ON ${table} (key, seq) WHERE key IS NOT NULL`,
    // Dead rows are few and looked up by id (requeue) or listed; live rows never enter it.
    `CREATE INDEX IF NOT EXISTS outbox_messages_dead ON ${table} (id) WHERE dead_at IS NOT NULL`,
    // A dead row waits at available_at = 'infinity', so a claim needs no dead_at test (see
    // OutboxSql). Rows that died before that rule are moved there; none after it are.
    `UPDATE ${table} SET available_at = 'infinity' WHERE dead_at IS NOT NULL AND available_at <> 'infinity'`,
    ...schemaVersionRecordSql(schemaName, 'outbox_schema_version', outboxSchemaV1),
  ];
}

function down(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  return [
    `DROP TABLE IF EXISTS ${schema}.outbox_messages`,
    `DROP SEQUENCE IF EXISTS ${schema}.outbox_lease_token_seq`,
    `DROP TABLE IF EXISTS ${schema}.outbox_schema_version`,
  ];
}
