import { InvalidIdentifierError } from '../errors/invalid-identifier.error';

// Lower-case only: PostgreSQL folds unquoted names to lower case, so an upper-case
// name would mean different tables quoted and unquoted (in a DBA's psql session).
const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Validates an identifier that comes from options against the allow-list and returns
 * it quoted (embedded double quotes doubled, as PostgreSQL and pg's escapeIdentifier do).
 * Both steps: the allow-list keeps names predictable for DBAs, the quoting keeps SQL safe
 * even if the list ever widens. Written here rather than taken from pg so that core loads
 * in apps without PostgreSQL (a consumer on RabbitMQ alone).
 *
 * @example quoteIdentifier(options.schema, 'schema') // => '"courier"'
 */
export function quoteIdentifier(value: unknown, option: string): string {
  assertSqlIdentifier(value, option);
  return `"${value.replace(/"/g, '""')}"`;
}

export function assertSqlIdentifier(value: unknown, option: string): asserts value is string {
  if (typeof value !== 'string' || !SQL_IDENTIFIER.test(value)) {
    throw new InvalidIdentifierError(option, value);
  }
}
