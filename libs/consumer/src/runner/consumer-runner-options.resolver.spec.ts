import { InvalidOptionError } from '@courier-nest/core';
import { resolveRunnerOptions } from './consumer-runner-options.resolver';

describe('resolveRunnerOptions', () => {
  it('has the documented defaults', () => {
    const options = resolveRunnerOptions('jobs');
    expect(options).toMatchObject({
      concurrency: 1,
      prefetch: undefined,
      failureStrategy: 'requeue',
      maxAttempts: 5,
      processTimeoutMs: 30_000,
      startPaused: false,
      shutdownTimeoutMs: 30_000,
    });
    expect(options.retryBackoff).toMatchObject({ initialDelayMs: 1_000, maxDelayMs: 60_000 });
  });

  it.each([
    [{ concurrency: 0 }, 'Option "concurrency" must be an integer from 1 to 10000; got 0.'],
    [{ concurrency: 2, prefetch: 1 }, 'Option "prefetch" must be an integer from 2 to 65535; got 1.'],
    [{ prefetch: 70_000 }, 'Option "prefetch" must be an integer from 1 to 65535; got 70000.'],
    [
      { failureStrategy: 'retry' },
      'Option "failureStrategy" must be "requeue" or "dead-letter" or "ack" or "exit"; got "retry".',
    ],
    [{ maxAttempts: 0 }, 'Option "maxAttempts" must be an integer from 1 to 1000; got 0.'],
    [{ processTimeoutMs: -1 }, 'Option "processTimeoutMs" must be an integer from 0 to 2147483647; got -1.'],
    [
      { retryBackoff: { initialDelayMs: -5 } },
      'Option "backoff.initialDelayMs" must be a finite number >= 0; got -5.',
    ],
  ])('refuses %j with a message naming the option', (options, message) => {
    expect(() => resolveRunnerOptions('jobs', options as never)).toThrow(
      new InvalidOptionError('x', message),
    );
  });
});
