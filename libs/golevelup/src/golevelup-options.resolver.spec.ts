import { InvalidOptionError } from '@courier-nest/core';
import { resolveGolevelupOptions } from './golevelup-options.resolver';

describe('resolveGolevelupOptions', () => {
  it('enables both halves with a 10 s confirm deadline by default', () => {
    expect(resolveGolevelupOptions()).toEqual({
      outbox: true,
      inbox: true,
      confirmTimeoutMs: 10_000,
      connection: undefined,
    });
  });

  it('refuses a module with neither half, saying what to do', () => {
    expect(() => resolveGolevelupOptions({ outbox: false, inbox: false })).toThrow(
      new InvalidOptionError(
        'outbox',
        'CourierGolevelupModule with outbox: false and inbox: false does nothing; enable at least one, or do not import it.',
      ),
    );
  });

  it('refuses a flag that is not a boolean', () => {
    expect(() => resolveGolevelupOptions({ inbox: 'yes' as unknown as boolean })).toThrow(
      'Option "inbox" must be true or false; got "yes".',
    );
  });

  it('refuses a confirm deadline under 10 ms', () => {
    expect(() => resolveGolevelupOptions({ confirmTimeoutMs: 5 })).toThrow(
      'Option "confirmTimeoutMs" must be an integer >= 10; got 5.',
    );
  });
});
