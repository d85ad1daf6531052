import type { SchemaChain } from './schema/schema-chain.interface';
import type { SchemaState } from './schema/schema-state';

/** Texts of core errors: each says what was wrong and what to do. */
export const CoreMessages = {
  payloadTooLarge: (size: number, limit: number) =>
    `Payload is ${size} bytes, over the limit of ${limit} bytes. ` +
    `Send a reference to the data instead, or raise maxPayloadBytes.`,
  unsafeJson:
    'JSON contains a "__proto__" or "constructor.prototype" key, which could pollute prototypes. ' +
    'Rename the key.',
  notSerializable: (path: string, reason: string) =>
    `Payload is not JSON-serializable at ${path || '(root)'}: ${reason}. ` +
    `Convert it to plain JSON values (string, finite number, boolean, null, array, object) first.`,
  malformedJson: (reason: string) => `Body is not valid JSON: ${reason}.`,
  invalidIdentifier: (option: string, value: unknown) =>
    `Option "${option}" must be a SQL identifier matching ${SQL_IDENTIFIER_RULE} ` +
    `(lower-case letters, digits and underscores, starting with a letter or underscore, at most 63 characters); ` +
    `got ${JSON.stringify(safeString(value)).slice(0, 80)}.`,
  schemaBehind: (chain: SchemaChain, schema: string, state: SchemaState, expected: number) =>
    `The ${chain.component} tables in schema "${schema}" are ${describeSchemaState(chain, state)}; ` +
    `this ${chain.packageName} needs schema version ${expected}. Fix it in one of three ways: ` +
    `add ${chain.migrationsFunction}('${schema}') to your DataSource's migrations and run them ` +
    `(npx typeorm migration:run -d <data-source>); or set ${chain.moduleName} option migrationsRun: true ` +
    `(the app's role then needs DDL rights); or apply the SQL printed by ` +
    `\`npx courier-schema sql --schema ${schema} --component ${chain.component}` +
    `${state.kind === 'versioned' ? ` --from-version ${state.version}` : ''}\`.` +
    (state.kind === 'unversioned'
      ? ` Tables made before versioning may have run ${chain.migrationsFunction} already: TypeORM then skips ` +
        `version 1, so apply the SQL (version 1 is idempotent and keeps the rows) or set migrationsRun: true.`
      : ''),
  schemaNewer: (chain: SchemaChain, schema: string, found: number, expected: number) =>
    `The ${chain.component} tables in schema "${schema}" are at schema version ${found}, newer than the ` +
    `version ${expected} this ${chain.packageName} knows: another service sharing the schema runs a newer ` +
    `release. Upgrade ${chain.packageName} in this service to a release that knows version ${found}.`,
  leaseLost: (reason: 'taken' | 'unreachable') =>
    reason === 'taken'
      ? 'This process no longer holds the lease on this work: it expired and another process took it. ' +
        'Its transactional effects will not commit; the other process runs it again.'
      : 'The lease on this work could not be renewed for a whole lease period (the database is unreachable). ' +
        'Its transactional effects will not commit; the work runs again once the lease expires.',
  invalidCursor: (list: string, reason: string) =>
    `The cursor given for the ${list} is not one this list returned (${reason}). ` +
    `Start again from the first page: call without a cursor, then pass each nextCursor back as it is.`,
  filterUnknownKey: (what: string, key: string, allowed: readonly string[]) =>
    `${what} has no field "${key}"; the fields are ${allowed.join(', ')}.`,
  filterName: (what: string, field: string, max: number) =>
    `${what} "${field}" must be a string of at most ${max} characters without NUL characters.`,
  filterDate: (what: string, field: string) => `${what} "${field}" must be a valid Date.`,
  filterLimit: (what: string, max: number, value: unknown) =>
    `${what} "limit" must be an integer from 1 to ${max}; got ${JSON.stringify(safeString(value)).slice(0, 40)}.`,
  filterIds: (what: string, field: string) => `${what} "${field}" must be an array.`,
} as const;

function describeSchemaState(chain: SchemaChain, state: SchemaState): string {
  switch (state.kind) {
    case 'missing':
      return 'missing (no tables)';
    case 'unversioned':
      return `there, but have no ${chain.versionTable} table (made before the schema was versioned)`;
    case 'versioned':
      return `at schema version ${state.version}`;
  }
}

export const SQL_IDENTIFIER_RULE = '/^[a-z_][a-z0-9_]{0,62}$/';

// String() throws for null-prototype objects and hostile toString(); an error message must not.
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
