import { handlerPipeline, type PipelineStep } from './handler-pipeline';
import { RunScope } from './run-scope';
import { timeoutWrapper } from './timeout.wrapper';

class TimedOut extends Error {
  constructor(
    readonly id: string,
    readonly timeoutMs: number,
  ) {
    super(`${id} took longer than ${timeoutMs} ms`);
  }
}

function timed<R>(handler: PipelineStep<string, RunScope, R>, timeoutMs: number) {
  return handlerPipeline(handler).wrap(
    timeoutWrapper<string, RunScope, R>({
      timeoutMs: () => timeoutMs,
      timeoutError: (id, _scope, ms) => new TimedOut(id, ms),
    }),
  ).step;
}

describe('timeoutWrapper', () => {
  afterEach(() => jest.useRealTimers());

  it('returns a synchronous result as it is: no timer, no promise, the scope disposed', () => {
    jest.useFakeTimers();
    const scope = new RunScope();
    const dispose = jest.spyOn(scope, 'dispose');
    expect(timed(() => 'done', 1_000)('m-1', scope)).toBe('done');
    expect(jest.getTimerCount()).toBe(0);
    expect(dispose).toHaveBeenCalledTimes(1);
  });

  it('rethrows a synchronous throw, the scope disposed', () => {
    const scope = new RunScope();
    const dispose = jest.spyOn(scope, 'dispose');
    const step = timed(() => {
      throw new Error('bad payload');
    }, 1_000);
    expect(() => step('m-1', scope)).toThrow('bad payload');
    expect(dispose).toHaveBeenCalledTimes(1);
  });

  it("gives an async handler's value when it ends in time, and clears its timer", async () => {
    jest.useFakeTimers();
    const scope = new RunScope();
    await expect(timed(async () => 'done', 1_000)('m-1', scope)).resolves.toBe('done');
    expect(jest.getTimerCount()).toBe(0);
    expect(scope.aborted).toBe(false);
  });

  it('on timeout, aborts the signal with the timeout error and rejects with it; a handler that stops on abort does not win', async () => {
    const scope = new RunScope();
    const stopsOnAbort = (_id: string, { signal }: RunScope) =>
      new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('stopped')));
    const run = timed(stopsOnAbort, 10)('m-1', scope);
    await expect(run).rejects.toThrow(new TimedOut('m-1', 10));
    expect(scope.signal.reason).toBeInstanceOf(TimedOut);
    await expect(run).rejects.toBe(scope.signal.reason);
  });

  it('ignores what the handler does after its deadline, a late rejection included', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      let fail!: () => void;
      const late = new Promise<string>((_resolve, reject) => (fail = () => reject(new Error('late'))));
      await expect(timed(() => late, 5)('m-1', new RunScope())).rejects.toBeInstanceOf(TimedOut);
      fail();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('counts the deadline from the start of the run, its synchronous part included', async () => {
    // Its work ends 60 ms after the start, but it blocks for 30 ms before returning it:
    // the 40 ms deadline counted from the start comes first (at 40 ms); counted from
    // the return it would come after the work (at 70 ms). Timers fire in deadline order.
    const blocksThenWaits = () => {
      const work = new Promise<string>((resolve) => setTimeout(resolve, 60, 'done'));
      const until = performance.now() + 30;
      while (performance.now() < until);
      return work;
    };
    await expect(timed(blocksThenWaits, 40)('m-1', new RunScope())).rejects.toBeInstanceOf(TimedOut);
  });

  it('sets no deadline for 0', async () => {
    jest.useFakeTimers();
    const scope = new RunScope();
    const dispose = jest.spyOn(scope, 'dispose');
    let finish!: (value: string) => void;
    const run = timed(() => new Promise<string>((resolve) => (finish = resolve)), 0)('m-1', scope);
    expect(jest.getTimerCount()).toBe(0);
    finish('done');
    await expect(run).resolves.toBe('done');
    expect(dispose).toHaveBeenCalledTimes(1);
  });

  it('lets an external abort reach the handler’s signal without ending the run', async () => {
    const external = new AbortController();
    const lost = new Error('lease lost');
    const run = timed(
      (_id, { signal }) =>
        new Promise<string>((resolve) =>
          signal.addEventListener('abort', () => resolve(`saw ${signal.reason.message}`)),
        ),
      1_000,
    )('m-1', new RunScope(external.signal));
    external.abort(lost);
    await expect(run).resolves.toBe('saw lease lost');
  });

  it('accepts a thenable that is not a promise', async () => {
    const thenable = { then: (resolve: (value: string) => void) => resolve('done') };
    await expect(
      timed(() => thenable as unknown as Promise<string>, 1_000)('m-1', new RunScope()),
    ).resolves.toBe('done');
  });
});
