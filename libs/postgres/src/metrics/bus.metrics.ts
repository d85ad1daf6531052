import { Injectable } from '@nestjs/common';
import { InjectMetric, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { DEFAULT_DEAD_LETTER_SUFFIX } from '@courier-nest/consumer';
import { BoundedLabel, cachedSnapshot } from '@courier-nest/core/internal';
import { PostgresBusProvider } from '../bus.provider';
import type { BusQueueStats, PostgresBus } from '../postgres-bus';

export const BusMetricNames = {
  messages: 'courier_bus_queue_messages',
  oldestAge: 'courier_bus_oldest_message_age_seconds',
  deadLetters: 'courier_bus_dead_letters',
} as const;

export const busMetricProviders = [
  makeGaugeProvider({
    name: BusMetricNames.messages,
    help: 'Messages in a bus queue, waiting or held by a consumer (dead-letter queues not included)',
    labelNames: ['queue'],
  }),
  makeGaugeProvider({
    name: BusMetricNames.oldestAge,
    help: 'Age of the oldest message in a bus queue',
    labelNames: ['queue'],
  }),
  makeGaugeProvider({
    name: BusMetricNames.deadLetters,
    help: "Messages in a bus queue's dead-letter queue (<queue>.dead)",
    labelNames: ['queue'],
  }),
];

// One stats query serves the three gauges of a scrape.
const statsOf = cachedSnapshot(1_000, (bus: PostgresBus): Promise<BusQueueStats[]> => bus.queueStats());

/**
 * Fills the bus gauges at scrape time from one query over the bus (every queue of it: the
 * services sharing a bus report the same figures, told apart by their `instance`). A
 * queue label is kept to the first 100 queue names.
 */
@Injectable()
export class BusMetrics {
  private readonly queues = new BoundedLabel(100);

  constructor(
    provider: PostgresBusProvider,
    @InjectMetric(BusMetricNames.messages) messages: Gauge<string>,
    @InjectMetric(BusMetricNames.oldestAge) oldest: Gauge<string>,
    @InjectMetric(BusMetricNames.deadLetters) dead: Gauge<string>,
  ) {
    const fill = (gauge: Gauge<string>, value: (stats: BusQueueStats) => number | null) => async () => {
      const stats = await statsOf(provider.bus);
      gauge.reset();
      for (const queue of stats) {
        const figure = value(queue);
        if (figure !== null)
          gauge.set({ queue: this.queues.of(sourceOf(queue.queue) ?? queue.queue) }, figure);
      }
    };
    collectWith(
      messages,
      fill(messages, (q) => (sourceOf(q.queue) === null ? q.messages : null)),
    );
    collectWith(
      oldest,
      fill(oldest, (q) => (sourceOf(q.queue) === null ? q.oldestSeconds : null)),
    );
    collectWith(
      dead,
      fill(dead, (q) => (sourceOf(q.queue) === null ? null : q.messages)),
    );
  }
}

/**
 * Gives a gauge made by the module (its name, prefix and registry) its `collect` here,
 * where the bus can be injected: prom-client keeps the `collect` of a metric's config on
 * the instance and calls it at each scrape.
 */
function collectWith(gauge: Gauge<string>, collect: () => Promise<void>): void {
  (gauge as Gauge<string> & { collect?: () => Promise<void> }).collect = collect;
}

/** The queue a dead-letter queue belongs to; null for a queue that is not one. */
function sourceOf(queue: string): string | null {
  return queue.endsWith(DEFAULT_DEAD_LETTER_SUFFIX)
    ? queue.slice(0, -DEFAULT_DEAD_LETTER_SUFFIX.length)
    : null;
}
