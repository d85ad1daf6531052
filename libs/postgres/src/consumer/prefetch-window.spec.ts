import { PrefetchWindow } from './prefetch-window';

describe('PrefetchWindow', () => {
  it('runs a second claimer only for a window that holds two full claims', () => {
    expect(new PrefetchWindow(1_999, 1_000).claimers).toBe(1);
    expect(new PrefetchWindow(2_000, 1_000).claimers).toBe(2);
  });

  it('never hands out more places than the prefetch', () => {
    const window = new PrefetchWindow(300, 1_000);
    expect(window.take(1_000)).toBe(300);
    window.giveBack(0);
    expect(window.take(1_000)).toBe(0);
  });

  it('runs one claim at a time while the window cannot hold a full claim beside it, keeping the order', () => {
    const window = new PrefetchWindow(1_500, 1_000);
    expect(window.take(1_000)).toBe(1_000);
    // 500 places free, but a claim is in flight: a second one could return before it.
    expect(window.take(1_000)).toBe(0);
    window.giveBack(0);
    expect(window.take(1_000)).toBe(500);
  });

  it('runs a second claim beside one in flight when a full claim more fits', () => {
    const window = new PrefetchWindow(4_000, 1_000);
    expect(window.take(1_000)).toBe(1_000);
    expect(window.take(1_000)).toBe(1_000);
    window.giveBack(400); // the first returned 600 rows
    window.giveBack(0);
    expect(window.take(1_000)).toBe(1_000);
    expect(window.take(1_000)).toBe(1_000);
    // 3,600 held, one claim still in flight: 400 free is less than a full claim.
    window.giveBack(0);
    expect(window.take(1_000)).toBe(0);
    window.giveBack(0);
    expect(window.take(1_000)).toBe(400);
  });

  it('a failed claim gives all its room back', () => {
    const window = new PrefetchWindow(1_000, 1_000);
    expect(window.take(1_000)).toBe(1_000);
    window.giveBack(1_000);
    expect(window.take(1_000)).toBe(1_000);
  });

  it('tells the claimers when half the window is free or none is held, not per settle', () => {
    const window = new PrefetchWindow(10, 1_000);
    const freed = jest.fn();
    window.onFreed(freed);
    window.take(10);
    window.giveBack(0);
    window.release(4);
    expect(freed).not.toHaveBeenCalled();
    window.release(1);
    expect(freed).toHaveBeenCalledTimes(1);
    window.release(5);
    expect(freed).toHaveBeenCalledTimes(2);
  });
});
