import { Logger } from '@nestjs/common';
import type { OutboxScheduleStore, ScheduleState } from '../outbox-schedule.store';
import { resolveOutboxOptions } from '../outbox-options.resolver';
import { ScheduledMessagesMover } from './scheduled-messages.mover';

const POLL_MS = 1_000;

/** A store whose scheduled messages are due times (ms on the fake clock); moving takes the due ones. */
class FakeScheduleStore {
  dueTimes: number[] = [];
  states = 0;
  moves: number[] = [];
  failNext: Error | null = null;

  async state(): Promise<ScheduleState> {
    this.states++;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
    const now = Date.now();
    const later = this.dueTimes.filter((t) => t > now);
    return {
      overdue: this.dueTimes.some((t) => t <= now),
      nextDueInMs: later.length > 0 ? Math.min(...later) - now : null,
    };
  }

  async moveDue(limit: number): Promise<string[]> {
    const now = Date.now();
    const due = this.dueTimes.filter((t) => t <= now).slice(0, limit);
    this.dueTimes = this.dueTimes.filter((t) => !due.includes(t));
    this.moves.push(due.length);
    return due.map(String);
  }
}

describe('ScheduledMessagesMover', () => {
  let store: FakeScheduleStore;
  let mover: ScheduledMessagesMover;
  let moved: string[][];

  const settle = () => jest.advanceTimersByTimeAsync(0);

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    store = new FakeScheduleStore();
    moved = [];
    mover = new ScheduledMessagesMover(
      resolveOutboxOptions({ relay: { pollIntervalMs: POLL_MS, batchSize: 2 } }),
      store as unknown as OutboxScheduleStore,
    );
  });

  afterEach(async () => {
    await mover.stop();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('looks at start, moves what came due while stopped, in batches until fewer come back', async () => {
    store.dueTimes = [999_000, 999_500, 999_900];
    mover.start((seqs) => moved.push(seqs));
    await settle();
    expect(moved).toEqual([['999000', '999500'], ['999900']]);
    expect(store.moves).toEqual([2, 1]);
  });

  it('wakes at the soonest due time it read, not at the next poll', async () => {
    store.dueTimes = [1_000_300];
    mover.start((seqs) => moved.push(seqs));
    await settle();
    await jest.advanceTimersByTimeAsync(299);
    expect(moved).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(moved).toEqual([['1000300']]);
  });

  it('wakes at an offered time sooner than the one it knows, and ignores a later one', async () => {
    store.dueTimes = [1_000_800];
    mover.start((seqs) => moved.push(seqs));
    await settle();
    store.dueTimes.push(1_000_200);
    mover.offer(200);
    mover.offer(500); // later than the 200 ms wake: nothing new
    await jest.advanceTimersByTimeAsync(200);
    expect(moved).toEqual([['1000200']]);
    await jest.advanceTimersByTimeAsync(600);
    expect(moved).toEqual([['1000200'], ['1000800']]);
  });

  it('finds a message written elsewhere at its next poll, and wakes at its time if that is later', async () => {
    mover.start((seqs) => moved.push(seqs));
    await settle();
    store.dueTimes = [1_000_000 + POLL_MS + 400];
    await jest.advanceTimersByTimeAsync(POLL_MS);
    expect(moved).toEqual([]);
    await jest.advanceTimersByTimeAsync(400);
    expect(moved).toEqual([[String(1_000_000 + POLL_MS + 400)]]);
  });

  it('arms no timer past what setTimeout can hold (Node fires a longer one at once)', async () => {
    const delays: number[] = [];
    const fakeSetTimeout = global.setTimeout;
    jest.spyOn(global, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return fakeSetTimeout(callback, ms);
    }) as typeof setTimeout);
    store.dueTimes = [1_000_000 + 40 * 86_400_000];
    mover.start((seqs) => moved.push(seqs));
    await settle();
    expect(delays).toEqual([POLL_MS, 2 ** 31 - 1]);
    await jest.advanceTimersByTimeAsync(POLL_MS);
    expect(moved).toEqual([]);
  });

  it('keeps polling after a failed look, and does nothing once stopped', async () => {
    store.failNext = new Error('connection refused');
    mover.start((seqs) => moved.push(seqs));
    await settle();
    expect(Logger.prototype.error).toHaveBeenCalledWith(expect.stringMatching(/connection refused/));
    store.dueTimes = [1_000_100];
    await jest.advanceTimersByTimeAsync(POLL_MS);
    expect(moved).toEqual([['1000100']]);

    await mover.stop();
    const looks = store.states;
    store.dueTimes = [Date.now() + 10];
    mover.offer(10);
    await jest.advanceTimersByTimeAsync(5 * POLL_MS);
    expect(store.states).toBe(looks);
    expect(jest.getTimerCount()).toBe(0);
  });
});
