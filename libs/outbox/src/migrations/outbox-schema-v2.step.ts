import { type SchemaStep } from '@courier-nest/core';
import { quoteIdentifier, schemaVersionRecordSql } from '@courier-nest/core/internal';

/**
 * Outbox schema version 2: indexes for pages of dead messages. SHIPPED once released:
 * never edit this file (append-only, see README.md).
 *
 * Dead messages are listed oldest first (by `seq`) in keyset pages, `seq > <last of the
 * page before>`. Without an index in that order a page is found by reading every dead
 * row before it, and the last page of 100,000 dead rows costs 100,000 rows. Both indexes
 * are partial: live rows, the relay's hot path, never enter them.
 *
 * Idempotent (IF NOT EXISTS). CREATE INDEX blocks writes to the table while it reads it;
 * on a large outbox a DBA may first run the same statements with CONCURRENTLY (outside a
 * transaction), then this step only records the version.
 */
export const outboxSchemaV2: SchemaStep = {
  version: 2,
  name: 'dead-page-indexes',
  timestamp: 1796200000000,
  up,
  down,
};

function up(schemaName: string): string[] {
  const table = `${quoteIdentifier(schemaName, 'schema')}.outbox_messages`;
  return [
    // Pages of all dead messages, and bulk requeue / purge, walk this from a seq on.
    `CREATE INDEX IF NOT EXISTS outbox_messages_dead_seq ON ${table} (seq) WHERE dead_at IS NOT NULL`,
    // The same for one destination (the console's usual filter).
    `CREATE INDEX IF NOT EXISTS outbox_messages_dead_destination ON ${table} (destination, seq)
      WHERE dead_at IS NOT NULL`,
    ...schemaVersionRecordSql(schemaName, 'outbox_schema_version', outboxSchemaV2),
  ];
}

function down(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  return [
    `DROP INDEX IF EXISTS ${schema}.outbox_messages_dead_destination`,
    `DROP INDEX IF EXISTS ${schema}.outbox_messages_dead_seq`,
    `DELETE FROM ${schema}.outbox_schema_version WHERE version = 2`,
  ];
}
