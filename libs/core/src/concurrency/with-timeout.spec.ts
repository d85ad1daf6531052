import { raceDeadline, withTimeout } from './with-timeout';

describe('raceDeadline', () => {
  it("gives work's value when it settles first, and clears the timer", async () => {
    jest.useFakeTimers();
    try {
      await expect(raceDeadline(Promise.resolve(7), 1_000)).resolves.toEqual({ timedOut: false, value: 7 });
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it("rejects with work's error", async () => {
    await expect(raceDeadline(Promise.reject(new Error('boom')), 1_000)).rejects.toThrow('boom');
  });

  it('calls onTimeout only when the deadline wins, and work it stops then still lost', async () => {
    const won = jest.fn();
    await raceDeadline(Promise.resolve('fast'), 1_000, won);
    expect(won).not.toHaveBeenCalled();

    let stop!: () => void;
    const work = new Promise<string>((resolve) => (stop = () => resolve('stopped')));
    const onTimeout = jest.fn(() => stop()); // a handler that returns at once on abort
    await expect(raceDeadline(work, 1, onTimeout)).resolves.toEqual({ timedOut: true });
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });
});

describe('withTimeout', () => {
  it('rejects after the deadline', async () => {
    await expect(withTimeout(new Promise(() => undefined), 1)).rejects.toThrow('timed out after 1 ms');
  });
});
