import { InvalidOptionError } from '@courier-nest/core';
import { OptionChecks } from '@courier-nest/core/internal';
import { DEFAULT_MAX_OUTPUT_BYTES } from './job-output.capture';

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

/** The options both workers take, with the same defaults and ranges. */
export interface CommonWorkerOptions {
  timeoutMs: number;
  retryDelayMs?: number;
  unavailableDelayMs?: number;
  maxOutputBytes?: number;
}

export function resolveCommonWorkerOptions(options: CommonWorkerOptions) {
  return {
    timeoutMs: OptionChecks.integer('timeoutMs', options.timeoutMs, 1, MAX_MS),
    retryDelayMs:
      options.retryDelayMs === undefined
        ? undefined
        : OptionChecks.integer('retryDelayMs', options.retryDelayMs, 0, MAX_MS),
    unavailableDelayMs: OptionChecks.integer(
      'unavailableDelayMs',
      options.unavailableDelayMs ?? 1_000,
      0,
      MAX_MS,
    ),
    maxOutputBytes: OptionChecks.integer(
      'maxOutputBytes',
      options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
      1,
      2 ** 30,
    ),
  };
}
