import type { Claim, LeasedQueue } from '@courier-nest/core/internal';
import type { ClaimedWork, HandlerPairs, InboxStore } from '../inbox.store';
import type { RunReporter } from './run.reporter';

/**
 * The inbox's handler runs as the engine's leased queue, for one dispatcher (`owner`):
 * claims due runs of the (event type, handler) pairs this process has handlers for.
 * At most once per poll interval a claim first marks dead the runs whose last attempt
 * died with its process (lease expired), so they do not wait forever.
 */
export class DispatchQueue implements LeasedQueue<ClaimedWork> {
  private handlers: HandlerPairs = { pairs: [] };
  private lastExhaustedCheck = 0;

  constructor(
    private readonly store: InboxStore,
    private readonly owner: string,
    private readonly exhaustedCheckMs: number,
    private readonly reporter: RunReporter,
  ) {}

  /** The (event type, handler key) pairs claimed from now on. */
  claimFor(handlers: HandlerPairs): void {
    this.handlers = handlers;
  }

  async claim(limit: number, leaseMs: number): Promise<Claim<ClaimedWork>> {
    await this.deadenExhausted();
    const runs = await this.store.claim(limit, this.owner, leaseMs, this.handlers);
    return { token: runs[0]?.leaseToken ?? '', items: runs };
  }

  renew(claims: readonly Claim<ClaimedWork>[], leaseMs: number): Promise<ReadonlySet<string>> {
    return this.store.renewClaims(
      claims.flatMap((claim) => claim.items),
      leaseMs,
    );
  }

  release(claims: readonly Claim<ClaimedWork>[]): Promise<number> {
    return this.store.releaseClaims(claims.flatMap((claim) => claim.items));
  }

  private async deadenExhausted(): Promise<void> {
    if (Date.now() - this.lastExhaustedCheck < this.exhaustedCheckMs) return;
    this.lastExhaustedCheck = Date.now();
    for (const row of await this.store.markExhausted(this.handlers)) {
      await this.reporter.failed({ ...row, error: row.lastError }, true);
    }
  }
}
