import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

type Module = typeof import('./message-log-context');

/** A fresh copy of the module: whether anyone has read yet is per process (per module). */
function load(): Module['MessageLogContext'] {
  let loaded!: Module;
  jest.isolateModules(() => {
    loaded = jest.requireActual<Module>('./message-log-context');
  });
  return loaded.MessageLogContext;
}

const fields = { messageId: 'm-1', eventType: 'order_events', handlerKey: 'reserve_stock' };

afterEach(() => jest.restoreAllMocks());

describe('MessageLogContext', () => {
  it('stores nothing (no AsyncLocalStorage.run) until someone has read', () => {
    const run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
    const ctx = load();
    expect(ctx.run(fields, () => 'result')).toBe('result');
    expect(run).not.toHaveBeenCalled();

    expect(ctx.current()).toBeUndefined(); // the first read turns recording on
    expect(ctx.run(fields, () => ctx.current())).toEqual(fields);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('keeps the fields across awaits and timers, and drops them after the run', async () => {
    const ctx = load();
    ctx.current();
    const seen = await ctx.run(fields, async () => {
      await sleep(1);
      const afterTimer = await new Promise((resolve) => setTimeout(() => resolve(ctx.current()), 1));
      return [ctx.current(), afterTimer];
    });
    expect(seen).toEqual([fields, fields]);
    expect(ctx.current()).toBeUndefined();
  });

  it('keeps concurrent runs apart', async () => {
    const ctx = load();
    ctx.current();
    const one = (id: string, ms: number) =>
      ctx.run({ messageId: id, queue: 'jobs' }, async () => {
        await sleep(ms);
        return ctx.current()?.messageId;
      });
    await expect(Promise.all([one('a', 15), one('b', 1), one('c', 5)])).resolves.toEqual(['a', 'b', 'c']);
  });

  it('lets a nested run replace the fields until it returns', () => {
    const ctx = load();
    ctx.current();
    const seen = ctx.run({ messageId: 'outer', queue: 'jobs' }, () => {
      const inner = ctx.run(fields, () => ctx.current());
      return [inner, ctx.current()];
    });
    expect(seen).toEqual([fields, { messageId: 'outer', queue: 'jobs' }]);
  });

  it('hands out a fresh object per call, so a logger merging into it changes nothing', () => {
    const ctx = load();
    ctx.current();
    ctx.run(fields, () => {
      const first = ctx.current()!;
      // What pino's default mixin merge does with each line's own fields.
      Object.assign(first, { msg: 'x', messageId: 'overwritten' });
      expect(ctx.current()).toEqual(fields);
      expect(ctx.current()).not.toBe(ctx.current());
    });
  });

  it('works as a pino mixin', () => {
    const ctx = load();
    const mixin = () => ctx.current() ?? {};
    expect(mixin()).toEqual({});
    expect(ctx.run(fields, mixin)).toEqual(fields);
  });
});
