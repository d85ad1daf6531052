/** How a message left the runner. A bounded set: safe as a metric label. */
export type SettlementKind = 'ack' | 'retry' | 'dead_letter' | 'dropped' | 'returned';

/** Metric hooks of a runner; every call is cheap and must not throw. */
export interface ConsumerObserver {
  received(source: string): void;
  started(source: string): void;
  /** A message whose processing `started` was settled. */
  settled(source: string, kind: SettlementKind, durationSeconds: number): void;
  /** A delivery handed back unprocessed (pause, stop, a broken consumer). */
  givenBack(source: string): void;
}
