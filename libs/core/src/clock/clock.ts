/**
 * Where application code reads the time. Leases and retry deadlines use the
 * database's `now()` instead, so that relays on machines with skewed clocks agree.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only when told to; for tests. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date = new Date(0)) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(date: Date): void {
    this.current = date.getTime();
  }
}
