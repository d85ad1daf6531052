import { ManualClock, systemClock } from './clock';

describe('ManualClock', () => {
  it('starts at the epoch by default', () => {
    expect(new ManualClock().now().getTime()).toBe(0);
  });

  it('starts at the given date and does not move by itself', () => {
    const start = new Date('2024-05-01T12:00:00.000Z');
    const clock = new ManualClock(start);
    expect(clock.now().toISOString()).toBe('2024-05-01T12:00:00.000Z');
    expect(clock.now().getTime()).toBe(start.getTime());
  });

  it('advances by the given milliseconds, cumulatively and backwards too', () => {
    const clock = new ManualClock(new Date('2024-05-01T12:00:00.000Z'));
    clock.advance(1_500);
    clock.advance(60_000);
    expect(clock.now().toISOString()).toBe('2024-05-01T12:01:01.500Z');
    clock.advance(-1_500);
    expect(clock.now().toISOString()).toBe('2024-05-01T12:01:00.000Z');
  });

  it('set jumps to an absolute date', () => {
    const clock = new ManualClock();
    clock.advance(10);
    clock.set(new Date('2030-01-01T00:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('is not affected by mutating the start date or a returned date', () => {
    const start = new Date(1_000);
    const clock = new ManualClock(start);
    start.setTime(99_999);
    clock.now().setTime(42);
    expect(clock.now().getTime()).toBe(1_000);
  });
});

describe('systemClock', () => {
  it('returns a fresh Date of the current time', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeInstanceOf(Date);
    expect(now.getTime()).toBeGreaterThanOrEqual(before);
    expect(now.getTime()).toBeLessThanOrEqual(Date.now());
    expect(systemClock.now()).not.toBe(now);
  });
});
