import { PendingRequests } from './pending-requests';

describe('PendingRequests', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves each request with the value given under its own correlation id', async () => {
    const pending = new PendingRequests();
    const a = pending.add('a', 'q', 1000, () => new Error('timeout'));
    const b = pending.add('b', 'q', 1000, () => new Error('timeout'));
    expect(pending.resolve('b', 'for b')).toBe(true);
    expect(pending.resolve('a', 'for a')).toBe(true);
    await expect(a).resolves.toBe('for a');
    await expect(b).resolves.toBe('for b');
    expect(pending.size).toBe(0);
  });

  it('rejects with the timeout error after timeoutMs, then drops a late reply', async () => {
    const pending = new PendingRequests();
    const request = pending.add('a', 'q', 500, () => new Error('no reply in time'));
    jest.advanceTimersByTime(499);
    expect(pending.queueOf('a')).toBe('q');
    jest.advanceTimersByTime(1);
    await expect(request).rejects.toThrow('no reply in time');
    expect(pending.resolve('a', 'late')).toBe(false);
    expect(pending.queueOf('a')).toBeUndefined();
  });

  it('settles a request once: a second reply under the same id finds nothing', async () => {
    const pending = new PendingRequests();
    const request = pending.add('a', 'q', 1000, () => new Error('timeout'));
    expect(pending.resolve('a', 1)).toBe(true);
    expect(pending.reject('a', new Error('too late'))).toBe(false);
    await expect(request).resolves.toBe(1);
  });

  it('does not fire the timeout of a request already answered', async () => {
    const pending = new PendingRequests();
    const onTimeout = jest.fn(() => new Error('timeout'));
    const request = pending.add('a', 'q', 100, onTimeout);
    pending.resolve('a', 'ok');
    jest.advanceTimersByTime(1000);
    await expect(request).resolves.toBe('ok');
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it('rejects every waiting request with an error naming its id and queue', async () => {
    const pending = new PendingRequests();
    const a = pending.add('a', 'q1', 1000, () => new Error('timeout'));
    const b = pending.add('b', 'q2', 1000, () => new Error('timeout'));
    pending.rejectAll((id, queue) => new Error(`${id} on ${queue} lost`));
    await expect(a).rejects.toThrow('a on q1 lost');
    await expect(b).rejects.toThrow('b on q2 lost');
    expect(pending.size).toBe(0);
  });
});
