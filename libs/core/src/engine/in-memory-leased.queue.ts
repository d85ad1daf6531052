import type { Claim, LeasedQueue } from './leased-queue.port';

interface Row<W> {
  readonly item: W;
  token: string | null;
  leasedUntil: number;
}

type Operation = 'claim' | 'renew' | 'release';

/**
 * A leased queue in memory, for the engine's unit tests: the same contract as the
 * PostgreSQL queues (fresh token per claim, fenced renew / settle / release), plus
 * hooks to play the other processes and failures a test needs.
 */
export class InMemoryLeasedQueue<W> implements LeasedQueue<W> {
  private readonly rows: Row<W>[] = [];
  private nextToken = 1;
  private readonly failures = new Map<Operation, Error>();
  readonly calls: Record<Operation, number> = { claim: 0, renew: 0, release: 0 };

  /** Adds due rows. */
  add(...items: W[]): void {
    for (const item of items) this.rows.push({ item, token: null, leasedUntil: 0 });
  }

  /** Rows not settled yet, leased or not. */
  get pending(): W[] {
    return this.rows.map((row) => row.item);
  }

  /** Rows a claim could take now. */
  get due(): W[] {
    const now = Date.now();
    return this.rows.filter((row) => row.leasedUntil <= now).map((row) => row.item);
  }

  /** Makes every later call of `operation` reject with `error`, until `heal`. */
  fail(operation: Operation, error = new Error(`${operation} failed`)): void {
    this.failures.set(operation, error);
  }

  heal(operation: Operation): void {
    this.failures.delete(operation);
  }

  /** Plays another process taking the rows of `claim` after its lease: they get a new token. */
  steal(claim: Claim<W>): void {
    for (const row of this.rows) if (row.token === claim.token) row.token = `stolen-${this.nextToken++}`;
  }

  /** Removes the claim's rows that still carry its token (what settling does); resolves with how many. */
  settle(claim: Claim<W>, items: readonly W[] = claim.items): number {
    let settled = 0;
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const row = this.rows[i];
      if (row.token === claim.token && items.includes(row.item)) {
        this.rows.splice(i, 1);
        settled++;
      }
    }
    return settled;
  }

  async claim(limit: number, leaseMs: number): Promise<Claim<W>> {
    this.check('claim');
    const now = Date.now();
    const token = String(this.nextToken++);
    const taken = this.rows.filter((row) => row.leasedUntil <= now).slice(0, limit);
    for (const row of taken) {
      row.token = token;
      row.leasedUntil = now + leaseMs;
    }
    return { token, items: taken.map((row) => row.item) };
  }

  async renew(claims: readonly Claim<W>[], leaseMs: number): Promise<ReadonlySet<string>> {
    this.check('renew');
    const tokens = new Set(claims.map((claim) => claim.token));
    const kept = new Set<string>();
    for (const row of this.rows) {
      if (row.token === null || !tokens.has(row.token)) continue;
      row.leasedUntil = Date.now() + leaseMs;
      kept.add(row.token);
    }
    return kept;
  }

  async release(claims: readonly Claim<W>[]): Promise<number> {
    this.check('release');
    const tokens = new Set(claims.map((claim) => claim.token));
    let released = 0;
    for (const row of this.rows) {
      if (row.token === null || !tokens.has(row.token)) continue;
      row.token = null;
      row.leasedUntil = 0;
      released++;
    }
    return released;
  }

  private check(operation: Operation): void {
    this.calls[operation]++;
    const error = this.failures.get(operation);
    if (error) throw error;
  }
}
