/**
 * The smallest and largest of some row ids (ctid text, "(block,offset)"), to bound a
 * statement that finds those rows by row id: `ctid >= first AND ctid <= last` makes
 * PostgreSQL (14+) read just those blocks with a TID range scan.
 *
 * Why a bound and not only `ctid = ANY(...)` or a join on ctid: PostgreSQL prices each
 * row fetched by id as a random page read, so it prefers to scan a table smaller than
 * about four pages per row sought (some 13,000 inbox rows for a batch of 100; at
 * 10,000 rows a settle of 100 took 1.65 ms that way instead of 0.75 ms), and a
 * prepared statement may keep that plan after the table has grown. A range is priced at a
 * fraction of the table whatever its size, so the planner always takes it. The rows of
 * one batch were written together and sit in a few adjacent blocks; at worst the range
 * spans the table, which is the scan it replaces.
 */
export function tidRange(rowIds: readonly string[]): { first: string; last: string } {
  if (rowIds.length === 0) throw new Error('tidRange needs at least one row id');
  let first = parseTid(rowIds[0]);
  let last = first;
  for (let i = 1; i < rowIds.length; i++) {
    const tid = parseTid(rowIds[i]);
    if (compareTids(tid, first) < 0) first = tid;
    if (compareTids(tid, last) > 0) last = tid;
  }
  return { first: `(${first[0]},${first[1]})`, last: `(${last[0]},${last[1]})` };
}

type Tid = readonly [block: number, offset: number];

function parseTid(text: string): Tid {
  const comma = text.indexOf(',');
  const block = Number(text.slice(1, comma));
  const offset = Number(text.slice(comma + 1, -1));
  if (
    text[0] !== '(' ||
    text[text.length - 1] !== ')' ||
    !Number.isInteger(block) ||
    !Number.isInteger(offset)
  ) {
    throw new Error(`Not a row id (ctid): ${JSON.stringify(text)}`);
  }
  return [block, offset];
}

function compareTids(a: Tid, b: Tid): number {
  return a[0] - b[0] || a[1] - b[1];
}
