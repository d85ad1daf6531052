import { type SchemaStep } from '@courier-nest/core';
import { quoteIdentifier, schemaVersionRecordSql } from '@courier-nest/core/internal';

/**
 * Inbox schema version 2: indexes for pages of dead handler runs. SHIPPED once released:
 * never edit this file (append-only, see README.md).
 *
 * Dead runs are listed in the order they died (`updated_at`, then `message_id`,
 * `handler_key`) in keyset pages. Without an index in that order a page is found by
 * sorting every dead run, and each of 1,000 pages over 100,000 dead runs costs them all.
 * The indexes are partial: pending, running and done rows never enter them. The second
 * serves the list of one handler (it starts with `handler_key` like version 1's
 * `inbox_handler_states_dead`, which it replaces), the third the list of one event type.
 *
 * Idempotent (IF NOT EXISTS). CREATE INDEX blocks writes to the table while it reads it;
 * on a large inbox a DBA may first run the same statements with CONCURRENTLY (outside a
 * transaction), then this step only drops the old index and records the version.
 */
export const inboxSchemaV2: SchemaStep = {
  version: 2,
  name: 'dead-page-indexes',
  timestamp: 1796200000001,
  up,
  down,
};

function up(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  const states = `${schema}.inbox_handler_states`;
  return [
    `CREATE INDEX IF NOT EXISTS inbox_handler_states_dead_page ON ${states} (updated_at, message_id, handler_key)
      WHERE status = 'dead'`,
    `CREATE INDEX IF NOT EXISTS inbox_handler_states_dead_handler ON ${states} (handler_key, updated_at, message_id)
      WHERE status = 'dead'`,
    `CREATE INDEX IF NOT EXISTS inbox_handler_states_dead_event
      ON ${states} (event_type, updated_at, message_id, handler_key) WHERE status = 'dead'`,
    `DROP INDEX IF EXISTS ${schema}.inbox_handler_states_dead`,
    ...schemaVersionRecordSql(schemaName, 'inbox_schema_version', inboxSchemaV2),
  ];
}

function down(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  const states = `${schema}.inbox_handler_states`;
  return [
    `CREATE INDEX IF NOT EXISTS inbox_handler_states_dead ON ${states} (handler_key) WHERE status = 'dead'`,
    `DROP INDEX IF EXISTS ${schema}.inbox_handler_states_dead_event`,
    `DROP INDEX IF EXISTS ${schema}.inbox_handler_states_dead_handler`,
    `DROP INDEX IF EXISTS ${schema}.inbox_handler_states_dead_page`,
    `DELETE FROM ${schema}.inbox_schema_version WHERE version = 2`,
  ];
}
