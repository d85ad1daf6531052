import { performance } from 'node:perf_hooks';
import type { Reservation } from '@courier-nest/core/internal';
import type { ClaimedRow } from '../outbox.store';

/**
 * Rows a publish wrote already claimed by the local relay (claimed as written): the
 * relay publishes them as soon as their transaction commits, with no claim query and
 * no wake-up. A rollback gives the relay's room back.
 */
export class WrittenClaim {
  private readonly writtenAt = performance.now();

  constructor(
    private readonly reservation: Reservation<ClaimedRow>,
    private readonly rows: ClaimedRow[],
  ) {}

  /** The rows are visible: the relay takes them over (their age counts from the write). */
  committed(): void {
    if (this.rows.length === 0) return this.reservation.cancel();
    const ageMs = performance.now() - this.writtenAt;
    for (const row of this.rows) row.ageMs = ageMs;
    this.reservation.run({ token: this.rows[0].leaseToken, items: this.rows });
  }

  rolledBack(): void {
    this.reservation.cancel();
  }
}
