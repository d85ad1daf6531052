/**
 * Bind parameters of one statement built from optional parts: each `add` appends a value
 * and returns its placeholder (`$3`), so conditions never carry values in their text.
 *
 * @example
 * const p = new SqlParameters();
 * const where = [`destination = ${p.add(filter.destination)}`];
 * pool.query(`SELECT … WHERE ${where.join(' AND ')}`, p.values);
 */
export class SqlParameters {
  readonly values: unknown[] = [];

  /** `cast` is a type name of ours (`timestamptz`), never user input. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}
