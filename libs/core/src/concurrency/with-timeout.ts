export type DeadlineResult<T> = { timedOut: false; value: T } | { timedOut: true };

/**
 * Races `work` against a timer of `ms` (the timer is cleared either way). On timeout the
 * race is decided first and `onTimeout` runs after: work that stops when `onTimeout`
 * aborts it cannot win a race it already lost. Rejects with `work`'s error; whatever
 * `work` does after the deadline is ignored, a late rejection included.
 */
export async function raceDeadline<T>(
  work: Promise<T>,
  ms: number,
  onTimeout: () => void = () => undefined,
): Promise<DeadlineResult<T>> {
  work.catch(() => undefined); // a late rejection after the deadline is not unhandled
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DeadlineResult<T>>((resolve) => {
    timer = setTimeout(
      () => {
        resolve({ timedOut: true });
        onTimeout();
      },
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([work.then((value) => ({ timedOut: false as const, value })), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** `promise`, or a rejection after `ms` (the timer is cleared either way). */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  const result = await raceDeadline(promise, ms);
  if (result.timedOut) throw new Error(`timed out after ${ms} ms`);
  return result.value;
}
