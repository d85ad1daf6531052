import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';

/** What a gauge shows: its name, help text and label names. */
export interface StoreGaugeOptions {
  name: string;
  help: string;
  labelNames?: string[];
}

/**
 * A gauge provider whose value is read from an injected source at each scrape.
 *
 * `makeGaugeProvider` injects into `collect` only from @willsoto/nestjs-prometheus 6.1;
 * 6.0.2, the release a Nest 11 app may hold, ignores `inject` and calls `collect` with no
 * arguments. So the source is injected here and the `collect` handed over closes over it,
 * which every 6.x accepts, and the gauge still gets the module's prefix and registry.
 */
export function makeStoreGaugeProvider<TSource>(
  options: StoreGaugeOptions,
  source: InjectionToken,
  collect: (gauge: Gauge<string>, source: TSource) => Promise<void>,
): FactoryProvider<Gauge<string>> {
  // The token and the library's own dependencies (its options, optional) of this release.
  const plain = makeGaugeProvider(options) as FactoryProvider<Gauge<string>>;
  return {
    provide: plain.provide,
    inject: [source, ...(plain.inject ?? [])],
    useFactory: (value: TSource, ...libraryDeps: unknown[]) => {
      const sourced = makeGaugeProvider({
        ...options,
        collect(this: Gauge<string>) {
          return collect(this, value);
        },
      }) as FactoryProvider<Gauge<string>>;
      return sourced.useFactory(...libraryDeps) as Gauge<string>;
    },
  };
}
