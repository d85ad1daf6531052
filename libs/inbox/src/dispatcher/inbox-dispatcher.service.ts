import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { LeasedWorkEngine, SlotFilling } from '@courier-nest/core/internal';
import { INBOX_DATA_SOURCE, RESOLVED_INBOX_OPTIONS } from '../inbox.constants';
import type { ResolvedInboxOptions } from '../inbox-options.resolver';
import { InboxRegistry } from '../inbox.registry';
import { InboxStore, type ClaimedWork } from '../inbox.store';
import { InboxMetrics } from '../metrics/inbox.metrics';
import { DispatchBatchProcessor } from './dispatch-batch.processor';
import { DispatchQueue } from './dispatch.queue';
import { HandlerRunner } from './handler-runner';
import { RunReporter } from './run.reporter';

/** Handler slots held for a receive that stores its rows claimed (see `reserve`). */
export interface DispatchReservation {
  /** How many handler runs the receive may claim. */
  readonly rows: number;
  /** The lease owner and duration to store the claimed rows with. */
  readonly owner: string;
  readonly leaseMs: number;
  /** Runs the rows the receive stored claimed (at most `rows`) and gives back the rest. */
  run(claimed: ClaimedWork[]): void;
  /** Gives the room back (the receive failed). */
  cancel(): void;
}

/**
 * Runs due (message, handler) pairs on the leased-work engine: one claimer keeps
 * `dispatcher.concurrency` handler slots filled, each batch claimed under a lease and
 * fencing token that the engine renews while its handlers run, and settled in one
 * statement. Wakes on receive (in-process and NOTIFY), else polls with jitter.
 */
@Injectable()
export class InboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InboxDispatcher');
  private readonly queue: DispatchQueue;
  private readonly engine: LeasedWorkEngine<ClaimedWork, void>;

  constructor(
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
    @Inject(INBOX_DATA_SOURCE) dataSource: DataSource,
    store: InboxStore,
    private readonly registry: InboxRegistry,
    metrics: InboxMetrics,
  ) {
    const { dispatcher } = options;
    const reporter = new RunReporter(options, metrics, this.logger);
    const slots = new SlotFilling(dispatcher.concurrency, dispatcher.batchSize);
    this.queue = new DispatchQueue(store, dispatcher.processorId, dispatcher.pollIntervalMs, reporter);
    const runner = new HandlerRunner(store, dataSource, options.codec, metrics);
    const processor = new DispatchBatchProcessor(
      runner,
      registry,
      store,
      slots,
      options,
      metrics,
      reporter,
      (ms) => this.engine.wakeAfter(ms),
    );
    this.engine = new LeasedWorkEngine(this.queue, processor, slots, dispatcher, this.logger);
    // A handler registered while running (InboxService.registerHandler) is claimed from the next claim on.
    registry.onHandlerAdded(() => this.learnHandlers());
  }

  onApplicationBootstrap(): void {
    if (this.options.dispatcher.enabled) this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  isEnabled(): boolean {
    return this.options.dispatcher.enabled;
  }

  isRunning(): boolean {
    return this.engine.isRunning();
  }

  start(): void {
    this.learnHandlers();
    this.engine.start();
  }

  /** Stops claiming, waits for running handlers (bounded), then hands back what it still holds. */
  stop(): Promise<void> {
    return this.engine.stop();
  }

  wake(): void {
    this.engine.wake();
  }

  /**
   * Makes room for up to `wanted` handler runs that a receive claims as it stores them
   * (see InboxService.receiveMany): such work needs no claim query and no wake-up. The
   * caller must end the reservation with `run` (the rows it stored claimed) or `cancel`;
   * shutdown waits for it like for a running batch. Null when the dispatcher is not
   * running or holds all it may; the rows are then stored pending as usual. The runs
   * wait for handler slots as they come free, their leases renewed meanwhile.
   */
  reserve(wanted: number): DispatchReservation | null {
    const reservation = this.engine.reserve(wanted);
    if (!reservation) return null;
    return {
      rows: reservation.rows,
      owner: this.options.dispatcher.processorId,
      leaseMs: reservation.leaseMs,
      run: (claimed) =>
        claimed.length > 0
          ? reservation.run({ token: claimed[0].leaseToken, items: claimed })
          : reservation.cancel(),
      cancel: () => reservation.cancel(),
    };
  }

  /** Which (event type, handler key) pairs this process claims. */
  private learnHandlers(): void {
    this.queue.claimFor({ pairs: this.registry.all().map((h) => `${h.eventType} ${h.handlerKey}`) });
  }
}
