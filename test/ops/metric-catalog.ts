import type { Provider } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { ConsumerMetricNames } from '@courier-nest/consumer';
import { consumerMetricProviders } from '@courier-nest/consumer/metrics/consumer.metrics';
import { InboxMetricNames } from '@courier-nest/inbox';
import { inboxMetricProviders } from '@courier-nest/inbox/metrics/inbox.metrics';
import { OutboxMetricNames } from '@courier-nest/outbox';
import { outboxMetricProviders } from '@courier-nest/outbox/metrics/outbox.metrics';
import { BusMetricNames } from '@courier-nest/postgres';
import { busMetricProviders } from '@courier-nest/postgres/metrics/bus.metrics';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** One metric family as registered in prom-client. */
export interface MetricFamily {
  name: string;
  type: MetricType;
  labels: readonly string[];
  origin: string;
}

/** One series name as Prometheus stores it: a family, or a histogram's / summary's parts. */
export interface SeriesName {
  family: MetricFamily;
  /** Labels a selector or grouping may use, besides the scrape's `job` and `instance`. */
  labels: ReadonlySet<string>;
  /** A cumulative count: only meaningful under rate(), irate() or increase(). */
  cumulative: boolean;
  /** A classic histogram's `_bucket` series: what histogram_quantile() reads. */
  bucket: boolean;
}

/** Labels Prometheus attaches to every scraped series (the job name and the target). */
export const SCRAPE_LABELS: readonly string[] = ['job', 'instance'];

/**
 * Series Prometheus synthesises for every scrape target rather than reading them from
 * /metrics. Listed by hand, and only the ones the ops files use.
 */
const PROMETHEUS_SYNTHETIC: MetricFamily[] = [
  { name: 'up', type: 'gauge', labels: [], origin: 'Prometheus (scrape health)' },
];

export interface LibMetrics {
  lib: string;
  /** The public `*MetricNames` constant of the lib. */
  names: Record<string, string>;
  /** The lib's `make*Provider` definitions, as Nest would register them. */
  providers: Provider[];
}

export const LIB_METRICS: readonly LibMetrics[] = [
  { lib: '@courier-nest/outbox', names: OutboxMetricNames, providers: outboxMetricProviders },
  { lib: '@courier-nest/inbox', names: InboxMetricNames, providers: inboxMetricProviders },
  { lib: '@courier-nest/consumer', names: ConsumerMetricNames, providers: consumerMetricProviders },
  { lib: '@courier-nest/postgres', names: BusMetricNames, providers: busMetricProviders },
];

/** What a prom-client metric keeps from its configuration (lib/metric.js assigns it to the instance). */
interface MetricConfiguration {
  name: string;
  labelNames?: readonly string[];
}

function typeOf(metric: unknown, where: string): MetricType {
  if (metric instanceof Counter) return 'counter';
  if (metric instanceof Gauge) return 'gauge';
  if (metric instanceof Histogram) return 'histogram';
  if (metric instanceof Summary) return 'summary';
  throw new Error(`${where}: the provider did not create a prom-client metric`);
}

/**
 * Runs a lib's metric provider factories the way Nest does (without the optional
 * PrometheusModule options, so without a custom prefix), and reads back the name, type
 * and label names of what they created. The gauges' collect callbacks, which query the
 * database, only run at scrape time and are not called here.
 */
export function libFamilies(lib: LibMetrics): MetricFamily[] {
  return lib.providers.map((provider, i) => {
    const where = `${lib.lib} metric provider #${i}`;
    if (typeof provider !== 'object' || provider === null || !('useFactory' in provider)) {
      throw new Error(`${where}: expected a factory provider`);
    }
    const metric: unknown = provider.useFactory();
    const type = typeOf(metric, where);
    const { name, labelNames } = metric as MetricConfiguration;
    return { name, type, labels: [...(labelNames ?? [])], origin: lib.lib };
  });
}

/** The metrics prom-client's collectDefaultMetrics() registers (what PrometheusModule enables by default). */
export async function defaultFamilies(): Promise<MetricFamily[]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = await registry.getMetricsAsJSON();
  return metrics.map((metric) => {
    const labels = new Set<string>();
    for (const value of metric.values) {
      for (const label of Object.keys(value.labels)) {
        if (label !== 'le' && label !== 'quantile') labels.add(label);
      }
    }
    return {
      name: metric.name,
      type: String(metric.type) as MetricType,
      labels: [...labels],
      origin: 'prom-client default metrics',
    };
  });
}

/** Every series name a query may select, keyed by name. */
export function seriesCatalog(families: readonly MetricFamily[]): Map<string, SeriesName> {
  const catalog = new Map<string, SeriesName>();
  const add = (name: string, series: SeriesName) => {
    const existing = catalog.get(name);
    if (existing && existing.family.origin !== series.family.origin) {
      throw new Error(`${name} is defined twice: by ${existing.family.origin} and ${series.family.origin}`);
    }
    catalog.set(name, series);
  };
  for (const family of [...families, ...PROMETHEUS_SYNTHETIC]) {
    const labels = new Set(family.labels);
    switch (family.type) {
      case 'counter':
        add(family.name, { family, labels, cumulative: true, bucket: false });
        break;
      case 'gauge':
        add(family.name, { family, labels, cumulative: false, bucket: false });
        break;
      case 'histogram':
        add(`${family.name}_bucket`, {
          family,
          labels: new Set([...labels, 'le']),
          cumulative: true,
          bucket: true,
        });
        add(`${family.name}_sum`, { family, labels, cumulative: true, bucket: false });
        add(`${family.name}_count`, { family, labels, cumulative: true, bucket: false });
        break;
      case 'summary':
        add(family.name, {
          family,
          labels: new Set([...labels, 'quantile']),
          cumulative: false,
          bucket: false,
        });
        add(`${family.name}_sum`, { family, labels, cumulative: true, bucket: false });
        add(`${family.name}_count`, { family, labels, cumulative: true, bucket: false });
        break;
    }
  }
  return catalog;
}
