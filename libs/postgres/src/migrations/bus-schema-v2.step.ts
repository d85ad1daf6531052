import { type SchemaStep } from '@courier-nest/core';
import { quoteIdentifier, schemaVersionRecordSql } from '@courier-nest/core/internal';

/**
 * Bus schema version 2: `bus_messages` pages filled to half. SHIPPED once released: never
 * edit this file (append-only).
 *
 * A claim rewrites every row it takes (the lease columns, none indexed). That rewrite is
 * a HOT update, cheap and without index entries, only while the new version fits on the
 * row's page: a claim takes whole runs of rows, so each page needs room for a second
 * version of every row on it. At 70% most of a page's rows found no room, and a claim
 * cost twice the time and three times the WAL. Pages written from now on keep the room;
 * pages already full keep their rows until these are acked.
 */
export const busSchemaV2: SchemaStep = {
  version: 2,
  name: 'messages-fillfactor-50',
  timestamp: 1796400000000,
  up,
  down,
};

function up(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  return [
    `ALTER TABLE ${schema}.bus_messages SET (fillfactor = 50)`,
    ...schemaVersionRecordSql(schemaName, 'bus_schema_version', busSchemaV2),
  ];
}

function down(schemaName: string): string[] {
  const schema = quoteIdentifier(schemaName, 'schema');
  return [
    `ALTER TABLE ${schema}.bus_messages SET (fillfactor = 70)`,
    `DELETE FROM ${schema}.bus_schema_version WHERE version = 2`,
  ];
}
