import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { BoundedLabel, cachedSnapshot } from '@courier-nest/core/internal';
import { OutboxStore, type OutboxStats } from '../outbox.store';
import { makeStoreGaugeProvider } from './store-gauge.provider';
import type { RelayBatchResult, RelayObserver } from '../relay/relay-batch-result.interface';

export const OutboxMetricNames = {
  published: 'courier_outbox_published_total',
  failed: 'courier_outbox_publish_failures_total',
  dead: 'courier_outbox_dead_total',
  batchDuration: 'courier_outbox_batch_duration_seconds',
  commitToPublish: 'courier_outbox_commit_to_publish_seconds',
  backlog: 'courier_outbox_backlog_messages',
  oldestAge: 'courier_outbox_oldest_pending_age_seconds',
  deadNow: 'courier_outbox_dead_messages',
  scheduled: 'courier_outbox_scheduled_messages',
} as const;

// One stats query serves the four gauges of a scrape.
const statsOf = cachedSnapshot(1_000, (store: OutboxStore): Promise<OutboxStats> => store.stats());

export const outboxMetricProviders = [
  makeCounterProvider({
    name: OutboxMetricNames.published,
    help: 'Messages confirmed by the broker',
    labelNames: ['destination'],
  }),
  makeCounterProvider({
    name: OutboxMetricNames.failed,
    help: 'Failed publish attempts (the row stays and is retried)',
    labelNames: ['destination', 'reason'],
  }),
  makeCounterProvider({
    name: OutboxMetricNames.dead,
    help: 'Messages that reached max attempts',
    labelNames: ['destination'],
  }),
  makeHistogramProvider({
    name: OutboxMetricNames.batchDuration,
    help: 'Claim, publish and settle of one relay batch',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  }),
  makeHistogramProvider({
    name: OutboxMetricNames.commitToPublish,
    help: 'From the row being written to the broker confirm',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120],
  }),
  makeStoreGaugeProvider(
    { name: OutboxMetricNames.backlog, help: 'Messages waiting to be published (not dead)' },
    OutboxStore,
    async (gauge, store: OutboxStore) => gauge.set((await statsOf(store)).pending),
  ),
  makeStoreGaugeProvider(
    { name: OutboxMetricNames.oldestAge, help: 'Age of the oldest message waiting to be published' },
    OutboxStore,
    async (gauge, store: OutboxStore) => gauge.set((await statsOf(store)).oldestPendingAgeMs / 1000),
  ),
  makeStoreGaugeProvider(
    { name: OutboxMetricNames.deadNow, help: 'Dead messages kept in the outbox' },
    OutboxStore,
    async (gauge, store: OutboxStore) => gauge.set((await statsOf(store)).dead),
  ),
  makeStoreGaugeProvider(
    { name: OutboxMetricNames.scheduled, help: 'Scheduled messages whose time has not come yet' },
    OutboxStore,
    async (gauge, store: OutboxStore) => gauge.set((await statsOf(store)).scheduled),
  ),
];

/** Records relay batches into the metrics above; the relay calls it after each batch. */
@Injectable()
export class OutboxMetrics implements RelayObserver {
  private readonly destination = new BoundedLabel();

  constructor(
    @InjectMetric(OutboxMetricNames.published) private readonly published: Counter<string>,
    @InjectMetric(OutboxMetricNames.failed) private readonly failed: Counter<string>,
    @InjectMetric(OutboxMetricNames.dead) private readonly dead: Counter<string>,
    @InjectMetric(OutboxMetricNames.batchDuration) private readonly batchDuration: Histogram<string>,
    @InjectMetric(OutboxMetricNames.commitToPublish) private readonly commitToPublish: Histogram<string>,
  ) {}

  onBatch(result: RelayBatchResult): void {
    this.batchDuration.observe(result.durationMs / 1000);
    for (const outcome of result.outcomes) {
      const destination = this.destination.of(outcome.destination);
      switch (outcome.status) {
        case 'published':
          this.published.inc({ destination });
          if (outcome.latencyMs !== undefined) this.commitToPublish.observe(outcome.latencyMs / 1000);
          break;
        case 'failed':
          this.failed.inc({ destination, reason: outcome.reason ?? 'channel-error' });
          break;
        case 'dead':
          this.failed.inc({ destination, reason: outcome.reason ?? 'channel-error' });
          this.dead.inc({ destination });
          break;
        case 'unsent':
          this.failed.inc({ destination, reason: 'unsent' });
          break;
      }
    }
  }
}

export type { Gauge };
