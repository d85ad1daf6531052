import { InvalidOptionError } from '@courier/core';

/** The longest delay `setTimeout` honours; longer ones fire at once. */
export const MAX_MS = 2_147_483_647;

/** Checks a list option (exit codes, HTTP statuses) the way `OptionChecks` checks one number. */
export function integerList(name: string, value: unknown, min: number, max: number): number[] {
  if (!Array.isArray(value) || !value.every((item) => Number.isInteger(item) && item >= min && item <= max)) {
    throw new InvalidOptionError(
      name,
      `Option "${name}" must be an array of integers from ${min} to ${max}; got ${JSON.stringify(value)}.`,
    );
  }
  return [...(value as number[])];
}
