import type { Claim, LeasedQueue } from '@courier-nest/core/internal';
import type { ClaimedRow, OutboxStore } from '../outbox.store';

/** Committed seqs kept for claiming by seq; past this, claims search the table. */
const MAX_HINTS = 10_000;

/**
 * The outbox table as the engine's leased queue, for one relay (`owner`). Rows this
 * process committed are claimed by seq (a primary-key lookup) when the commit named
 * them; otherwise, and in per-key order, the claim searches for due rows (per key, only
 * each key's head).
 */
export class RelayQueue implements LeasedQueue<ClaimedRow> {
  private hints: string[] = [];

  constructor(
    private readonly store: OutboxStore,
    private readonly owner: string,
    private readonly perKey: boolean,
  ) {}

  /** Seqs this process just committed: the next claim takes them by seq. Ignored per key. */
  hint(seqs: readonly string[]): void {
    if (!this.perKey && this.hints.length < MAX_HINTS) this.hints.push(...seqs);
  }

  async claim(limit: number, leaseMs: number): Promise<Claim<ClaimedRow>> {
    // Hinted rows may be gone already (another relay, an earlier batch): then the claim
    // returns none, and the table is searched as usual.
    const hinted = this.hints.splice(0, limit);
    let rows = await this.store.claim(limit, this.owner, leaseMs, this.perKey, hinted);
    if (hinted.length > 0 && rows.length === 0)
      rows = await this.store.claim(limit, this.owner, leaseMs, this.perKey);
    return { token: rows[0]?.leaseToken ?? '', items: rows };
  }

  async renew(claims: readonly Claim<ClaimedRow>[], leaseMs: number): Promise<ReadonlySet<string>> {
    return this.store.renewClaims(
      claims.flatMap((claim) => claim.items),
      leaseMs,
    );
  }

  release(claims: readonly Claim<ClaimedRow>[]): Promise<number> {
    return this.store.releaseClaims(claims.flatMap((claim) => claim.items));
  }
}
