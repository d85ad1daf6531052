import { type SchemaStep } from '@courier-nest/core';
import { quoteIdentifier, schemaVersionRecordSql } from '@courier-nest/core/internal';

/**
 * Outbox schema version 3: the table of scheduled messages. SHIPPED once released: never
 * edit this file (append-only, see README.md).
 *
 * A message published with `deliverAt` / `delayMs` waits here, not in `outbox_messages`,
 * until it is due; then a relay moves it there in one transaction (see
 * `ScheduledMessagesMover`) and it is claimed like any other. So the claims, the hot path,
 * never walk past messages that are not due (a million reminders for tomorrow cost a claim
 * nothing), and `outbox_messages` keeps its indexes and HOT updates as they were.
 *
 * `deliver_at` is the due time by the database clock; `seq` is the write order, which
 * breaks ties between messages due at the same instant. Idempotent (IF NOT EXISTS).
 */
export const outboxSchemaV3: SchemaStep = {
  version: 3,
  name: 'scheduled-messages',
  timestamp: 1796220000000,
  up,
  down,
};

function up(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  const table = `${schema}.outbox_scheduled_messages`;
  return [
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
      deliver_at     timestamptz NOT NULL
    )`,
    // The relays read it from the earliest due time on: what is due now, and when the next is.
    `CREATE INDEX IF NOT EXISTS outbox_scheduled_messages_deliver_at ON ${table} (deliver_at, seq)`,
    // One message by id (OutboxService.findMessage, the console's journey) without reading them all.
    `CREATE INDEX IF NOT EXISTS outbox_scheduled_messages_id ON ${table} (id)`,
    ...schemaVersionRecordSql(schemaName, 'outbox_schema_version', outboxSchemaV3),
  ];
}

function down(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  return [
    `DROP TABLE IF EXISTS ${schema}.outbox_scheduled_messages`,
    `DELETE FROM ${schema}.outbox_schema_version WHERE version = 3`,
  ];
}
