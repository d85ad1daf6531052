/**
 * One clock for every process of a bench on one machine, in ms with µs resolution.
 *
 * `process.hrtime.bigint()` reads libuv's uv_hrtime, which on Linux is
 * clock_gettime(CLOCK_MONOTONIC): a single system-wide clock, the same for every
 * process, unaffected by wall-clock steps. So a time stamped in one process can be
 * subtracted from one stamped in another (Date.now() would do too, but only to the ms;
 * `performance.now()` counts from each process's own start). `checkSharedClock` in the
 * process harness verifies it at run time instead of trusting this comment.
 */
export function sharedNowMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}
