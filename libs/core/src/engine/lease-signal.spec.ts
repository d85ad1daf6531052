import { LeaseSignal } from './lease-signal';

describe('LeaseSignal', () => {
  it('is not aborted until aborted', () => {
    const lease = new LeaseSignal();
    expect(lease.aborted).toBe(false);
    expect(lease.signal.aborted).toBe(false);
  });

  it('aborts a signal already read, with the reason, and tells its listeners', () => {
    const lease = new LeaseSignal();
    const heard = jest.fn();
    lease.signal.addEventListener('abort', heard);
    const reason = new Error('lost');
    lease.abort(reason);
    expect(heard).toHaveBeenCalledTimes(1);
    expect(lease.signal.aborted).toBe(true);
    expect(lease.signal.reason).toBe(reason);
  });

  it('gives an abort that came before the first read to the signal when it is made', () => {
    const lease = new LeaseSignal();
    const reason = new Error('lost');
    lease.abort(reason);
    expect(lease.aborted).toBe(true);
    expect(lease.signal.aborted).toBe(true);
    expect(lease.signal.reason).toBe(reason);
  });

  it('keeps the first reason when aborted twice', () => {
    const first = new Error('first');
    const unread = new LeaseSignal();
    unread.abort(first);
    unread.abort(new Error('second'));
    expect(unread.signal.reason).toBe(first);
    const read = new LeaseSignal();
    void read.signal;
    read.abort(first);
    read.abort(new Error('second'));
    expect(read.signal.reason).toBe(first);
  });
});
