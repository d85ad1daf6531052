import { RunScope } from './run-scope';

describe('RunScope', () => {
  it('makes no AbortController until the signal is read', () => {
    const external = new AbortController().signal;
    const Real = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class extends Real {
      constructor() {
        super();
        made++;
      }
    };
    try {
      const scope = new RunScope(external);
      scope.abort(new Error('timed out'));
      scope.dispose();
      expect(made).toBe(0);
      expect(scope.signal.aborted).toBe(true);
      expect(made).toBe(1);
    } finally {
      globalThis.AbortController = Real;
    }
  });

  it('aborts the signal with the run’s own reason, whether read before or after the abort', () => {
    const early = new RunScope();
    const signal = early.signal;
    const reason = new Error('timed out');
    early.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);

    const late = new RunScope();
    late.abort(reason);
    expect(late.signal.reason).toBe(reason);
    expect(late.aborted).toBe(true);
    expect(late.abortReason).toBe(reason);
  });

  it('keeps the first reason when aborted twice', () => {
    const scope = new RunScope();
    const first = new Error('first');
    scope.abort(first);
    scope.abort(new Error('second'));
    expect(scope.signal.reason).toBe(first);
    expect(scope.abortReason).toBe(first);
  });

  it('aborts when the external signal aborts, before or after the signal is read', () => {
    const external = new AbortController();
    const reading = new RunScope(external.signal);
    const signal = reading.signal;
    expect(reading.aborted).toBe(false);
    expect(reading.abortReason).toBeUndefined();
    const lost = new Error('lease lost');
    external.abort(lost);
    expect(signal.reason).toBe(lost);
    expect(reading.aborted).toBe(true);
    expect(reading.abortReason).toBe(lost);

    const after = new RunScope(external.signal);
    expect(after.signal.aborted).toBe(true);
    expect(after.signal.reason).toBe(lost);
  });

  it('prefers its own reason over the external one', () => {
    const external = new AbortController();
    const scope = new RunScope(external.signal);
    const timeout = new Error('timed out');
    scope.abort(timeout);
    external.abort(new Error('stopping'));
    expect(scope.abortReason).toBe(timeout);
    expect(scope.signal.reason).toBe(timeout);
  });

  it('stops listening to the external signal once disposed, and never starts after', () => {
    const external = new AbortController();
    const added = jest.spyOn(external.signal, 'addEventListener');
    const removed = jest.spyOn(external.signal, 'removeEventListener');
    const scope = new RunScope(external.signal);
    const signal = scope.signal;
    scope.dispose();
    expect(removed).toHaveBeenCalledTimes(1);

    const readLate = new RunScope(external.signal);
    readLate.dispose();
    void readLate.signal; // a handler reading its signal after its run ended
    expect(added).toHaveBeenCalledTimes(1);

    external.abort(new Error('stopping'));
    expect(signal.aborted).toBe(false);
  });
});
