/**
 * A LIMIT whose value the planner does not see (a sub-select): it then assumes a tenth
 * of the estimated rows are wanted, and walks the ordered index, stopping early. With
 * the value known, a table without statistics (new, or a burst of rows not analysed yet)
 * was planned to read every matching row and sort them, for every page: 60 ms a page at
 * 100,000 dead inbox runs, against 0.5 ms for the walk.
 *
 * `limit` is a placeholder or a number of ours, never user input.
 */
export function unseenLimit(limit: string | number): string {
  return `LIMIT (SELECT ${limit})`;
}
