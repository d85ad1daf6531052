import { InvalidOptionError } from '../errors/invalid-option.error';

/**
 * Checks for module options, each failing with a message that names the option and
 * the accepted range: options are validated once, where they enter, at bootstrap.
 */
export const OptionChecks = {
  integer(name: string, value: number, min: number, max: number): number {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidOptionError(
        name,
        `Option "${name}" must be an integer from ${min} to ${max}; got ${value}.`,
      );
    }
    return value;
  },

  positive(name: string, value: number): number {
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new InvalidOptionError(name, `Option "${name}" must be a number > 0; got ${value}.`);
    }
    return value;
  },

  fraction(name: string, value: number): number {
    // typeof first: `>=` coerces, so "0.5", "", true, null and [] would otherwise pass.
    if (!(typeof value === 'number' && value >= 0 && value <= 1)) {
      throw new InvalidOptionError(name, `Option "${name}" must be a number from 0 to 1; got ${value}.`);
    }
    return value;
  },

  text(name: string, value: string): string {
    if (typeof value !== 'string' || value.trim() === '' || value.length > 255) {
      throw new InvalidOptionError(
        name,
        `Option "${name}" must be a non-empty string of at most 255 characters.`,
      );
    }
    return value;
  },

  oneOf<T extends string>(name: string, value: T, allowed: readonly T[]): T {
    if (!allowed.includes(value)) {
      throw new InvalidOptionError(
        name,
        `Option "${name}" must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}; got ${JSON.stringify(value)}.`,
      );
    }
    return value;
  },
};
