const BASE_MS = 100;
const MAX_MS = 30_000;

/**
 * The pause after `streak` failed rounds in a row: doubling from 100 ms up to 30 s, so a
 * database that is down is not hammered once per wake-up.
 */
export function errorBackoffMs(streak: number): number {
  return Math.min(MAX_MS, BASE_MS * 2 ** Math.min(streak, 10));
}
