import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { BoundedLabel, cachedSnapshot } from '@courier-nest/core/internal';
import type { RunResult } from '../dispatcher/handler-outcome.wrapper';
import { InboxStore, type InboxStats } from '../inbox.store';
import { makeStoreGaugeProvider } from './store-gauge.provider';

export const InboxMetricNames = {
  received: 'courier_inbox_received_total',
  duplicates: 'courier_inbox_duplicates_total',
  unhandled: 'courier_inbox_unhandled_total',
  handled: 'courier_inbox_handled_total',
  handlerDuration: 'courier_inbox_handler_duration_seconds',
  deadTotal: 'courier_inbox_dead_total',
  backlog: 'courier_inbox_backlog',
  dead: 'courier_inbox_dead_handlers',
} as const;

const statsOf = cachedSnapshot(1_000, (store: InboxStore): Promise<InboxStats> => store.stats());

export const inboxMetricProviders = [
  makeCounterProvider({
    name: InboxMetricNames.received,
    help: 'New messages stored',
    labelNames: ['event_type'],
  }),
  makeCounterProvider({
    name: InboxMetricNames.duplicates,
    help: 'Deliveries of an id already stored',
    labelNames: ['event_type'],
  }),
  makeCounterProvider({
    name: InboxMetricNames.unhandled,
    help: 'Stored messages no handler listens to',
    labelNames: ['event_type'],
  }),
  makeCounterProvider({
    name: InboxMetricNames.handled,
    help: 'Handler runs by outcome (done, failed, dead) and reason',
    labelNames: ['handler_key', 'outcome', 'reason'],
  }),
  makeHistogramProvider({
    name: InboxMetricNames.handlerDuration,
    help: 'Handler run time',
    labelNames: ['handler_key'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
  }),
  makeCounterProvider({
    name: InboxMetricNames.deadTotal,
    help: 'Handlers that became dead for a message',
    labelNames: ['handler_key'],
  }),
  makeStoreGaugeProvider(
    { name: InboxMetricNames.backlog, help: 'Handler runs due now' },
    InboxStore,
    async (gauge, store: InboxStore) => gauge.set((await statsOf(store)).due),
  ),
  makeStoreGaugeProvider(
    { name: InboxMetricNames.dead, help: 'Dead (message, handler) pairs kept for replay' },
    InboxStore,
    async (gauge, store: InboxStore) => gauge.set((await statsOf(store)).dead),
  ),
];

/** Records inbox activity; labels are event types and handler keys (bounded). */
@Injectable()
export class InboxMetrics {
  private readonly eventTypes = new BoundedLabel();
  private readonly handlerKeys = new BoundedLabel();

  constructor(
    @InjectMetric(InboxMetricNames.received) private readonly receivedTotal: Counter<string>,
    @InjectMetric(InboxMetricNames.duplicates) private readonly duplicatesTotal: Counter<string>,
    @InjectMetric(InboxMetricNames.unhandled) private readonly unhandledTotal: Counter<string>,
    @InjectMetric(InboxMetricNames.handled) private readonly handledTotal: Counter<string>,
    @InjectMetric(InboxMetricNames.handlerDuration) private readonly duration: Histogram<string>,
    @InjectMetric(InboxMetricNames.deadTotal) private readonly deadTotal: Counter<string>,
  ) {}

  received(eventType: string): void {
    this.receivedTotal.inc({ event_type: this.eventTypes.of(eventType) });
  }

  duplicate(eventType: string): void {
    this.duplicatesTotal.inc({ event_type: this.eventTypes.of(eventType) });
  }

  unhandled(eventType: string): void {
    this.unhandledTotal.inc({ event_type: this.eventTypes.of(eventType) });
  }

  /** A run settled with `status`, the one the database settled on (the last failed attempt is `dead`). */
  handled(handlerKey: string, status: 'done' | 'failed' | 'dead', result: RunResult): void {
    const reason = result.outcome === 'done' ? 'ok' : result.reason;
    this.handledTotal.inc({ handler_key: this.handlerKeys.of(handlerKey), outcome: status, reason });
  }

  /** A handler run took `durationSeconds` (reported by the handler pipeline's metrics wrapper). */
  ran(handlerKey: string, durationSeconds: number): void {
    this.duration.observe({ handler_key: this.handlerKeys.of(handlerKey) }, durationSeconds);
  }

  dead(handlerKey: string): void {
    this.deadTotal.inc({ handler_key: this.handlerKeys.of(handlerKey) });
  }
}
