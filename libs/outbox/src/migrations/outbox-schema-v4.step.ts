import { type SchemaStep } from '@courier-nest/core';
import { quoteIdentifier, schemaVersionRecordSql } from '@courier-nest/core/internal';

/**
 * Outbox schema version 4: `outbox_messages` pages filled to 45%. SHIPPED once released:
 * never edit this file (append-only, see README.md).
 *
 * A claim rewrites every row it takes (the lease columns, none indexed). That rewrite is
 * a HOT update, without index entries, only while the new version fits on the row's
 * page: a claim takes runs of rows written together, so each page needs room for a
 * second version of every row on it, a little larger than the first (the lease owner
 * and token were null). At 70% fewer than half the rows of a claim found room, at 50%
 * small rows still missed it. Pages written from now on keep the room; pages already
 * full keep their rows until these are published.
 */
export const outboxSchemaV4: SchemaStep = {
  version: 4,
  name: 'messages-fillfactor-45',
  timestamp: 1796500000000,
  up,
  down,
};

function up(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  return [
    `ALTER TABLE ${schema}.outbox_messages SET (fillfactor = 45)`,
    ...schemaVersionRecordSql(schemaName, 'outbox_schema_version', outboxSchemaV4),
  ];
}

function down(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  return [
    `ALTER TABLE ${schema}.outbox_messages SET (fillfactor = 70)`,
    `DELETE FROM ${schema}.outbox_schema_version WHERE version = 4`,
  ];
}
