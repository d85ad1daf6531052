import type { Claim, LeasedQueue } from '@courier-nest/core/internal';
import type { PostgresBus } from '../postgres-bus';
import { toBusDelivery, type BusDelivery } from './bus-delivery';

/** One queue of the bus as the engine's leased queue, for one consumer (`owner`). */
export class BusQueue implements LeasedQueue<BusDelivery> {
  constructor(
    private readonly bus: PostgresBus,
    readonly name: string,
    private readonly owner: string,
  ) {}

  async claim(limit: number, leaseMs: number): Promise<Claim<BusDelivery>> {
    const { rows } = await this.bus.pool.query(this.bus.sql.claim, [this.name, limit, this.owner, leaseMs]);
    // UPDATE … RETURNING has no order: the queue's is the write order.
    const items = rows.map(toBusDelivery).sort((a, b) => compareSeq(a.seq, b.seq));
    return { token: items[0]?.leaseToken ?? '', items };
  }

  async renew(claims: readonly Claim<BusDelivery>[], leaseMs: number): Promise<ReadonlySet<string>> {
    const { rows } = await this.bus.query<{ lease_token: string }>(this.bus.sql.renew, [
      claims.flatMap((claim) => claim.items.map((item) => item.seq)),
      claims.map((claim) => claim.token),
      leaseMs,
    ]);
    return new Set(rows.map((row) => String(row.lease_token)));
  }

  async release(claims: readonly Claim<BusDelivery>[]): Promise<number> {
    const { rowCount } = await this.bus.query(this.bus.sql.release, [
      claims.flatMap((claim) => claim.items.map((item) => item.seq)),
      claims.map((claim) => claim.token),
    ]);
    return rowCount ?? 0;
  }
}

function compareSeq(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
