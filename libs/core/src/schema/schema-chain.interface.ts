/**
 * One versioned step of a component's schema. A shipped step is never edited: its SQL
 * may already be in a database, a TypeORM migrations table or a DBA's script. A change
 * to the schema is the next step.
 */
export interface SchemaStep {
  /** 1, 2, 3…: the schema version this step brings the tables to. */
  readonly version: number;
  /** What the step does, kebab-case (`create-tables`); recorded with the version. */
  readonly name: string;
  /** TypeORM migration timestamp (13 digits), ends the migration name; larger than the step before. */
  readonly timestamp: number;
  /** Statements for one schema, in order; the last one records `version` (see `schemaVersionRecordSql`). */
  up(schema: string): string[];
  /** Statements undoing this step (TypeORM `migration:revert`). */
  down(schema: string): string[];
}

/**
 * The schema of one component (outbox, inbox) as an ordered chain of steps, v1 first.
 * Each lib exports its chain (`outboxSchemaChain`, `inboxSchemaChain`); the bootstrap
 * check, `migrationsRun`, the TypeORM migrations and the `courier-schema` command all
 * read the same one.
 */
export interface SchemaChain {
  /** `outbox`, `inbox`: the `--component` of the command. */
  readonly component: string;
  /** The npm package that ships the chain, named in errors (upgrade it). */
  readonly packageName: string;
  /** The module whose `migrationsRun` option applies the chain (`OutboxModule`). */
  readonly moduleName: string;
  /** The exported function giving the chain as TypeORM migrations (`outboxMigrations`). */
  readonly migrationsFunction: string;
  /** Start of each TypeORM migration name: `<prefix><Schema><timestamp>`. */
  readonly migrationPrefix: string;
  /** Table in the schema holding one row per applied version. */
  readonly versionTable: string;
  /** The component's tables, to tell "no tables" from "tables made before versioning". */
  readonly tables: readonly string[];
  /** Advisory lock key that `migrationsRun` takes, so instances booting together do not race. */
  readonly lockKey: number;
  readonly steps: readonly SchemaStep[];
}
