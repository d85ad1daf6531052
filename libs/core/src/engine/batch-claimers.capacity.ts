import type { CapacityStrategy } from './capacity.strategy';
import type { ClaimOrigin } from './work-processor.interface';

/**
 * `claimers` loops, each claiming a batch and processing it, with up to
 * `batchesPerClaimer` of its batches in flight: room is never short (a claimer with
 * that many in flight does not claim), so it only counts what writers reserved, to
 * bound the rows held before anyone processes them.
 */
export class BatchClaimers implements CapacityStrategy {
  readonly inline = true;
  private reserved = 0;

  constructor(
    readonly claimers: number,
    private readonly maxReserved: number,
    readonly batchesPerClaimer = 1,
  ) {}

  take(wanted: number): number {
    return wanted;
  }

  giveBack(): void {}

  reserve(wanted: number): number {
    const rows = Math.max(0, Math.min(wanted, this.maxReserved - this.reserved));
    this.reserved += rows;
    return rows;
  }

  endReservation(reserved: number, used: number): void {
    this.reserved -= reserved - used;
  }

  settled(count: number, origin: ClaimOrigin): void {
    if (origin === 'stored') this.reserved -= count;
  }

  onFreed(): void {}
}
