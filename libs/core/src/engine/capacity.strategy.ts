import type { ClaimOrigin } from './work-processor.interface';

/**
 * How much work the engine may hold at once, and how it is claimed. Two models fit the
 * same loop: N claimers that each process their batch before claiming again (the
 * relay), and one claimer that keeps handler slots filled while batches run beside it
 * (the dispatcher).
 */
export interface CapacityStrategy {
  /** How many claim loops run. */
  readonly claimers: number;
  /** True: a claimer awaits its batch's processing before claiming again. */
  readonly inline: boolean;
  /**
   * How many of its batches an inline claimer may have in flight (default 1): after a
   * full claim it claims the next while the earlier ones are still processed.
   */
  readonly batchesPerClaimer?: number;
  /** Takes room for up to `wanted` rows a claim is about to take; 0 when full (wait for `onFreed`). */
  take(wanted: number): number;
  /** Once after each claim `take` gave room to (returned or failed): the room it did not use. */
  giveBack(count: number): void;
  /** Takes room for up to `wanted` rows a writer will store already claimed; 0 when there is none. */
  reserve(wanted: number): number;
  /** Gives back the room of a reservation: `used` rows became a claim to process, the rest is freed. */
  endReservation(reserved: number, used: number): void;
  /** The rows of a processed claim are settled: their room is free again. */
  settled(count: number, origin: ClaimOrigin): void;
  /** Called when enough room came free that a claimer waiting for it should try again. */
  onFreed(listener: () => void): void;
}
