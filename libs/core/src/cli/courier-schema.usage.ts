/** The text of `courier-schema --help`. */
export const COURIER_SCHEMA_USAGE = `courier-schema: the SQL of Courier's outbox and inbox tables, by schema version

Usage:
  courier-schema sql --schema <name> [--component outbox|inbox] [--from-version <N>]
      Print the DDL (every version, or those after N) for a DBA or psql, in one transaction.
      Each version ends by recording itself in <component>_schema_version.
  courier-schema typeorm --schema <name> --out <folder> [--component outbox|inbox]
      Write one TypeORM migration file per schema version into <folder>, named like
      outboxMigrations(schema) / inboxMigrations(schema), so TypeORM runs each once.
  courier-schema --help

  --schema        the "schema" option of OutboxModule / InboxModule (lower-case SQL identifier)
  --component     only this component (default: every installed one of @courier-nest/outbox, /inbox)
  --from-version  the version the database is at (the bootstrap error says which); default 0

Exit codes: 0 done, 1 failed (no component installed, a file in the way), 2 bad input.
`;
