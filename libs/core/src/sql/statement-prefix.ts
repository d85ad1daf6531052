import { createHash } from 'node:crypto';

/** PostgreSQL keeps the first 63 bytes of a name (NAMEDATALEN - 1). */
const MAX_NAME_LENGTH = 63;
/** Room left after the prefix for "_" and a statement's own name (the longest is 16). */
const STATEMENT_NAME_ROOM = 24;
const HASH_LENGTH = 10;

/**
 * The prefix of one component's prepared statement names in one schema. PostgreSQL
 * truncates longer names and node-postgres only warns: two schemas sharing their first
 * 40-odd characters would then share, and clash on, statement names. A schema too long
 * to fit is shortened and told apart again by a hash of its whole name.
 *
 * @example statementPrefix('inbox', 'courier') // => 'courier_courier_inbox'
 */
export function statementPrefix(component: string, schema: string): string {
  const readable = `courier_${schema}_${component}`;
  const room = MAX_NAME_LENGTH - STATEMENT_NAME_ROOM;
  if (readable.length <= room) return readable;
  const hash = createHash('sha256').update(schema).digest('hex').slice(0, HASH_LENGTH);
  const kept = room - `courier___${component}`.length - HASH_LENGTH;
  return `courier_${schema.slice(0, kept)}_${hash}_${component}`;
}
