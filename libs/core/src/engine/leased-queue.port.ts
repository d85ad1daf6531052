/**
 * Rows that one claim statement took, all under one fencing token. Which rows they are
 * (their ids, where they are stored) stays inside `items`, known to the queue that
 * made the claim: the engine only holds, renews and gives back claims.
 */
export interface Claim<W> {
  /** Fencing token: stamped on every row of the claim, checked by every later write. */
  readonly token: string;
  readonly items: readonly W[];
}

/**
 * A table of work that processes share by leasing rows (the outbox, the inbox's
 * handler runs). Every method but `claim` is fenced by the claim's token: a row whose
 * lease expired and was claimed again carries a new token, and the old claim's writes
 * no longer touch it. Settling (what a processed row becomes) belongs to each user of
 * the engine, fenced the same way.
 */
export interface LeasedQueue<W> {
  /**
   * Takes up to `limit` due rows for `leaseMs` under a fresh token. A claim with no
   * items means nothing was due. Rows are due when no live lease covers them.
   */
  claim(limit: number, leaseMs: number): Promise<Claim<W>>;
  /**
   * Extends the leases of `claims` to `leaseMs` from now, only on rows that still carry
   * their claim's token. Resolves with the tokens that still held at least one row;
   * a claim missing from it has lost its rows (settled, or taken by another process).
   * Rejects when the database could not be asked.
   */
  renew(claims: readonly Claim<W>[], leaseMs: number): Promise<ReadonlySet<string>>;
  /** Gives back the rows of `claims` still carrying their tokens, due at once; resolves with how many. */
  release(claims: readonly Claim<W>[]): Promise<number>;
}
