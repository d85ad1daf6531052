import { BadRequestException } from '@nestjs/common';
import { objectBody, onlyKnownKeys } from './input-fields';

/** What an action applies to: the entries listed, or all that match a filter. */
export type Selection<Item, Filter> = { items: Item[] } | { all: true; filter: Filter };

export const PURGE_CONFIRMATION = 'purge';

/**
 * Reads `{ <listKey>: [...] }` or `{ all: true, filter?: {...} }`, and for a purge the
 * explicit `confirm: "purge"`: a purge deletes for good.
 */
export function readSelection<Item, Filter>(
  body: unknown,
  listKey: string,
  readItems: (value: unknown) => Item[],
  readFilter: (value: unknown) => Filter,
  purge: boolean,
  extraKeys: readonly string[] = [],
): Selection<Item, Filter> {
  const object = objectBody('The request body', body);
  onlyKnownKeys('field', object, [listKey, 'all', 'filter', ...(purge ? ['confirm'] : []), ...extraKeys]);
  if (purge && object.confirm !== PURGE_CONFIRMATION) {
    throw new BadRequestException(
      `A purge deletes messages for good: send "confirm": "${PURGE_CONFIRMATION}" with it.`,
    );
  }
  if (object.all === true) {
    if (object[listKey] !== undefined) {
      throw new BadRequestException(`Send either "${listKey}" or "all": true, not both.`);
    }
    return { all: true, filter: readFilter(object.filter ?? {}) };
  }
  if (object.all !== undefined) throw new BadRequestException('"all" must be true or absent.');
  if (object.filter !== undefined) throw new BadRequestException('"filter" goes with "all": true only.');
  if (object[listKey] === undefined) {
    throw new BadRequestException(`Send "${listKey}": [ ... ] or "all": true with an optional "filter".`);
  }
  return { items: readItems(object[listKey]) };
}
