import { register } from 'prom-client';
import { OutboxMetricNames } from '@courier-nest/outbox';

export interface RelayCounters {
  published: number;
  /** Failed publish attempts of any reason, unsent included: each one delays its message. */
  failures: number;
}

/**
 * The relay's own counters (prom-client's default registry, which the outbox metric
 * providers use), summed over labels. Cumulative per process: diff two readings.
 */
export async function readRelayCounters(): Promise<RelayCounters> {
  return { published: await sum(OutboxMetricNames.published), failures: await sum(OutboxMetricNames.failed) };
}

async function sum(name: string): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.reduce((total, value) => total + value.value, 0);
}
