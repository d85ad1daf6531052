import type { Consumer, ConsumerSink } from '@courier-nest/consumer';
import {
  LeasedWorkEngine,
  type Claim,
  type ProcessContext,
  type WorkProcessor,
} from '@courier-nest/core/internal';
import type { BusLogger } from '../bus-notifications';
import type { PostgresBus } from '../postgres-bus';
import type { BusDelivery } from './bus-delivery';
import { BusQueue } from './bus-queue';
import { BusSettler } from './bus-settler';
import { ClaimDeliveries } from './claim-deliveries';
import { PrefetchWindow } from './prefetch-window';

export interface PostgresConsumerSettings {
  readonly queue: string;
  readonly deadLetterQueue: string;
  /** Who holds the leases, for operators reading the table. */
  readonly owner: string;
  readonly leaseMs: number;
  /** How often an idle consumer looks for messages nobody announced (a NOTIFY lost while reconnecting). */
  readonly pollIntervalMs: number;
}

/**
 * Claims more than a window holds are cut to it by the window; this bounds one statement:
 * large enough that a claim's round trip and commit are small beside its rows, small
 * enough that a window of two claims (see PrefetchWindow) is not beyond common prefetches.
 */
const MAX_CLAIM = 2_000;

/**
 * A consumer of one bus queue on the leased-work engine: it claims up to the prefetch
 * window, hands each delivery to the sink, renews the leases of those not settled yet,
 * and wakes on the queue's NOTIFY (polling as a fallback). `stop` pauses claiming;
 * `close` gives back what is not settled. A failed claim or settle (the database went
 * away) is reported to the sink once: the runner then makes a new consumer.
 */
export class PostgresConsumer implements Consumer, WorkProcessor<BusDelivery, void> {
  private readonly window: PrefetchWindow;
  private readonly engine: LeasedWorkEngine<BusDelivery, void>;
  private readonly queue: BusQueue;
  private readonly settler: BusSettler;
  private readonly claims = new Set<ClaimDeliveries>();
  private sink?: ConsumerSink;
  private unsubscribe?: () => void;
  private broken = false;
  private closed = false;

  constructor(
    private readonly bus: PostgresBus,
    private readonly settings: PostgresConsumerSettings,
    prefetch: number,
    private readonly logger: BusLogger,
    /** Called once it closed. */
    private readonly onClosed: () => void = () => undefined,
  ) {
    this.queue = new BusQueue(bus, settings.queue, settings.owner);
    this.window = new PrefetchWindow(prefetch, MAX_CLAIM);
    this.settler = new BusSettler(bus, (error) => this.fail(error));
    this.engine = new LeasedWorkEngine(
      this.queue,
      this,
      this.window,
      {
        batchSize: MAX_CLAIM,
        leaseMs: settings.leaseMs,
        pollIntervalMs: settings.pollIntervalMs,
        pollJitter: 0.2,
        // Closing gives back at once what the processors have not settled (as a closed channel does).
        shutdownTimeoutMs: 0,
      },
      logger,
    );
  }

  async start(sink: ConsumerSink): Promise<void> {
    if (this.closed) throw new Error(`Consumer of "${this.settings.queue}" is closed`);
    this.sink = sink;
    this.unsubscribe ??= await this.bus.notifications.subscribe(this.settings.queue, () =>
      this.engine.wake(),
    );
    this.engine.start();
  }

  async stop(): Promise<void> {
    await this.engine.pause();
  }

  /** Started and not paused or closed. */
  isClaiming(): boolean {
    return this.engine.isRunning();
  }

  async setPrefetch(prefetch: number): Promise<void> {
    this.window.resize(prefetch);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Before anything is awaited: a settle that comes after close is a no-op, as on a
    // closed channel, and what was not settled goes back to the queue.
    const unsettled = [...this.claims]
      .map((claim) => claim.abort())
      .filter((claim) => claim.items.length > 0);
    this.unsubscribe?.();
    this.onClosed();
    await this.engine.stop();
    await this.settler.acksWritten();
    if (unsettled.length === 0) return;
    try {
      await this.queue.release(unsettled);
    } catch (error) {
      this.logger.warn(
        `Could not give back ${unsettled.length} deliveries of "${this.settings.queue}" (their leases expire): ${(error as Error).message}`,
      );
    }
  }

  async process(claim: Claim<BusDelivery>, { signal }: ProcessContext): Promise<void> {
    const deliveries = new ClaimDeliveries(
      claim,
      this.settings.queue,
      this.settler,
      this.settings.deadLetterQueue,
      (count) => this.window.release(count),
    );
    this.claims.add(deliveries);
    signal.addEventListener('abort', () => deliveries.abort(), { once: true });
    for (const message of deliveries.messages) this.sink?.message(message);
    await deliveries.done;
    this.claims.delete(deliveries);
  }

  claimFailed(error: Error): void {
    this.fail(error);
  }

  private fail(error: Error): void {
    if (this.broken || this.closed) return;
    this.broken = true;
    this.sink?.error(error);
  }
}
