import { InvalidOptionError } from '../errors/invalid-option.error';
import { OptionChecks } from './option-checks';

/** Runs `fn`, expects an InvalidOptionError, returns it for further checks. */
function invalidOption(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError to be thrown');
}

/** A value of the wrong type, as an untyped config source (env, JSON) may hand over. */
const untyped = <T>(value: unknown) => value as T;

describe('OptionChecks', () => {
  describe('integer', () => {
    it.each([1, 5, 10])('returns %p inside [1, 10], bounds included', (value) => {
      expect(OptionChecks.integer('relay.batchSize', value, 1, 10)).toBe(value);
    });

    it.each([0, 11, 2.5, Number.NaN, Number.POSITIVE_INFINITY, untyped<number>('5')])(
      'refuses %p, naming the option and the range',
      (value) => {
        const error = invalidOption(() => OptionChecks.integer('relay.batchSize', value, 1, 10));
        expect(error.option).toBe('relay.batchSize');
        expect(error.code).toBe('COURIER_INVALID_OPTION');
        expect(error.message).toBe(`Option "relay.batchSize" must be an integer from 1 to 10; got ${value}.`);
      },
    );
  });

  describe('positive', () => {
    it.each([0.001, 1, 7, 1e9])('returns %p', (value) => {
      expect(OptionChecks.positive('retention.windowDays', value)).toBe(value);
    });

    it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, untyped<number>('7'), untyped<number>(null)])(
      'refuses %p, naming the option',
      (value) => {
        const error = invalidOption(() => OptionChecks.positive('retention.windowDays', value));
        expect(error.option).toBe('retention.windowDays');
        expect(error.message).toBe(`Option "retention.windowDays" must be a number > 0; got ${value}.`);
      },
    );
  });

  describe('fraction', () => {
    it.each([0, 0.2, 1])('returns %p', (value) => {
      expect(OptionChecks.fraction('relay.pollJitter', value)).toBe(value);
    });

    it.each([
      -0.01,
      1.01,
      Number.NaN,
      untyped<number>('0.5'),
      untyped<number>(''),
      untyped<number>(true),
      untyped<number>(null),
      untyped<number>([]),
    ])('refuses %p, naming the option', (value) => {
      const error = invalidOption(() => OptionChecks.fraction('relay.pollJitter', value));
      expect(error.option).toBe('relay.pollJitter');
      expect(error.message).toBe(`Option "relay.pollJitter" must be a number from 0 to 1; got ${value}.`);
    });
  });

  describe('text', () => {
    it.each(['a', 'orders-service', 'x'.repeat(255)])('returns a string of 1-255 characters', (value) => {
      expect(OptionChecks.text('serviceName', value)).toBe(value);
    });

    it.each(['', '   ', '\t\n', 'x'.repeat(256), untyped<string>(42), untyped<string>(undefined)])(
      'refuses %p, naming the option',
      (value) => {
        const error = invalidOption(() => OptionChecks.text('serviceName', value));
        expect(error.option).toBe('serviceName');
        expect(error.message).toBe(
          'Option "serviceName" must be a non-empty string of at most 255 characters.',
        );
      },
    );
  });

  describe('oneOf', () => {
    const orderings = ['unordered', 'per-key'] as const;

    it.each(orderings)('returns the allowed value %p', (value) => {
      expect(OptionChecks.oneOf('ordering', value, orderings)).toBe(value);
    });

    it.each([['fifo'], ['Unordered'], ['']])('refuses %p, listing the allowed values', (value) => {
      const error = invalidOption(() =>
        OptionChecks.oneOf('ordering', untyped<(typeof orderings)[number]>(value), orderings),
      );
      expect(error.option).toBe('ordering');
      expect(error.message).toBe(
        `Option "ordering" must be "unordered" or "per-key"; got ${JSON.stringify(value)}.`,
      );
    });
  });
});
