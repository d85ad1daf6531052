import { ConsumingWaiters } from './consuming-waiters';

describe('ConsumingWaiters', () => {
  it('resolves every waiter when deliveries flow, and clears their timers', async () => {
    jest.useFakeTimers();
    try {
      const waiters = new ConsumingWaiters();
      const both = Promise.all([waiters.wait(1_000, 'late'), waiters.wait(1_000, 'late')]);
      waiters.consuming();
      await expect(both).resolves.toEqual([undefined, undefined]);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects every waiter with the error when the runner stops', async () => {
    const waiters = new ConsumingWaiters();
    const waiting = waiters.wait(1_000, 'late');
    const stopped = new Error('stopped');
    waiters.stopped(stopped);
    await expect(waiting).rejects.toBe(stopped);
  });

  it('rejects a waiter with its message after its timeout', async () => {
    const waiters = new ConsumingWaiters();
    await expect(waiters.wait(1, 'Not consuming from "jobs" within 1 ms')).rejects.toThrow(
      'Not consuming from "jobs" within 1 ms',
    );
  });
});
