import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Who holds a lease, for operators reading the tables: this host and process, and a few
 * random bytes so two engines of one process (or a restarted pid) are told apart.
 */
export function processOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
