import { OptionChecks } from '@courier-nest/core/internal';
import type { CourierMicroservicesOptions } from './interfaces/courier-microservices-options.interface';

export type ResolvedMicroservicesOptions = Required<CourierMicroservicesOptions>;

/** Defaults and checks, once, where the options enter. */
export function resolveMicroservicesOptions(
  options: CourierMicroservicesOptions = {},
): ResolvedMicroservicesOptions {
  return {
    closeTimeoutMs: OptionChecks.integer('closeTimeoutMs', options.closeTimeoutMs ?? 10_000, 0, 3_600_000),
  };
}
