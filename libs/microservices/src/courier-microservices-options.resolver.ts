import { OptionChecks } from '@courier-nest/core/internal';
import type { CourierMicroservicesOptions } from './interfaces/courier-microservices-options.interface';

export type ResolvedMicroservicesOptions = Required<CourierMicroservicesOptions>;

/** Defaults and checks, once, where the options enter. */
export function resolveMicroservicesOptions(
  options: CourierMicroservicesOptions = {},
): ResolvedMicroservicesOptions {
  return {
    closeTimeoutMs: OptionChecks.integer('closeTimeoutMs', options.closeTimeoutMs ?? 10_000, 0, 3_600_000),
    requestTimeoutMs: OptionChecks.integer(
      'requestTimeoutMs',
      options.requestTimeoutMs ?? 5_000,
      1,
      3_600_000,
    ),
    requestPrefetch: OptionChecks.integer('requestPrefetch', options.requestPrefetch ?? 10, 1, 10_000),
  };
}
