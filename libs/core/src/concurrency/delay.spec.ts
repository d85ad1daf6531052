import { delay } from './delay';

describe('delay', () => {
  it('resolves at once when the signal aborts, leaving no timer behind', async () => {
    const controller = new AbortController();
    const waiting = delay(60_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('resolves at once for an already aborted signal', async () => {
    await expect(delay(60_000, AbortSignal.abort())).resolves.toBeUndefined();
  });

  it('otherwise waits the given time', async () => {
    jest.useFakeTimers();
    let done = false;
    const waiting = delay(1_000, new AbortController().signal).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
    jest.useRealTimers();
  });
});
