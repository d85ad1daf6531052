import type { Claim } from './leased-queue.port';

/**
 * Room the engine gave a writer for rows it stores already claimed (claimed as
 * stored): such rows need no claim query and no wake-up. The writer stores at most
 * `rows` rows leased for `leaseMs` under a fresh token, then ends the reservation with
 * `run` (the claim it stored) or `cancel` (it stored none, or its statement failed).
 */
export class Reservation<W> {
  private ended = false;

  constructor(
    /** How many rows the writer may store claimed. */
    readonly rows: number,
    /** The lease to store them with; the engine renews it from `run` on. */
    readonly leaseMs: number,
    private readonly end: (claim: Claim<W> | null) => void,
  ) {}

  /** Hands the rows stored claimed to the engine, which processes them; gives back the unused room. */
  run(claim: Claim<W>): void {
    if (claim.items.length > this.rows) {
      throw new Error(`${claim.items.length} rows stored claimed for ${this.rows} reserved`);
    }
    this.finish(claim);
  }

  /** Gives the room back: nothing was stored claimed. */
  cancel(): void {
    this.finish(null);
  }

  private finish(claim: Claim<W> | null): void {
    if (this.ended) throw new Error('This reservation has already ended');
    this.ended = true;
    this.end(claim);
  }
}
