import { Injectable } from '@nestjs/common';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { BoundedLabel } from '@courier-nest/core/internal';
import type { ConsumerObserver, SettlementKind } from '../interfaces/consumer-observer.interface';

export const ConsumerMetricNames = {
  received: 'courier_consumer_received_total',
  settled: 'courier_consumer_settled_total',
  duration: 'courier_consumer_process_duration_seconds',
  inFlight: 'courier_consumer_in_flight',
} as const;

export const consumerMetricProviders = [
  makeCounterProvider({
    name: ConsumerMetricNames.received,
    help: 'Deliveries taken from a queue',
    labelNames: ['queue'],
  }),
  makeCounterProvider({
    name: ConsumerMetricNames.settled,
    help: 'Messages settled, by outcome (ack, retry, dead_letter, dropped, returned)',
    labelNames: ['queue', 'outcome'],
  }),
  makeHistogramProvider({
    name: ConsumerMetricNames.duration,
    help: 'Time from processing start to settlement',
    labelNames: ['queue', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
  }),
  makeGaugeProvider({
    name: ConsumerMetricNames.inFlight,
    help: 'Messages being processed now',
    labelNames: ['queue'],
  }),
];

/** Prometheus for every runner the module starts; queue labels are the declared queues (bounded). */
@Injectable()
export class ConsumerMetrics implements ConsumerObserver {
  private readonly queues = new BoundedLabel();

  constructor(
    @InjectMetric(ConsumerMetricNames.received) private readonly receivedTotal: Counter<string>,
    @InjectMetric(ConsumerMetricNames.settled) private readonly settledTotal: Counter<string>,
    @InjectMetric(ConsumerMetricNames.duration) private readonly duration: Histogram<string>,
    @InjectMetric(ConsumerMetricNames.inFlight) private readonly inFlight: Gauge<string>,
  ) {}

  received(source: string): void {
    this.receivedTotal.inc({ queue: this.queues.of(source) });
  }

  started(source: string): void {
    this.inFlight.inc({ queue: this.queues.of(source) });
  }

  settled(source: string, kind: SettlementKind, durationSeconds: number): void {
    const queue = this.queues.of(source);
    this.settledTotal.inc({ queue, outcome: kind });
    this.inFlight.dec({ queue });
    this.duration.observe({ queue, outcome: kind }, durationSeconds);
  }

  givenBack(source: string): void {
    this.settledTotal.inc({ queue: this.queues.of(source), outcome: 'returned' });
  }
}
