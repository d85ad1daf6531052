import { performance } from 'node:perf_hooks';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { OUTBOX_PUBLISHER, type OutboxPublisher } from '@courier-nest/core';
import { BatchClaimers, LeasedWorkEngine, type Reservation } from '@courier-nest/core/internal';
import { OutboxConfigurationError } from '../errors/outbox-configuration.error';
import { RESOLVED_OUTBOX_OPTIONS } from '../outbox.constants';
import { OutboxMessages } from '../outbox.messages';
import type { ResolvedOutboxOptions } from '../outbox-options.resolver';
import { OutboxStore, type ClaimedRow } from '../outbox.store';
import { emptyResult } from './batch-outcomes';
import type { RelayBatchResult, RelayObserver } from './relay-batch-result.interface';
import { RelayBatchProcessor } from './relay-batch.processor';
import { RelayQueue } from './relay.queue';
import { ScheduledMessagesMover } from './scheduled-messages.mover';

export const RELAY_OBSERVER = Symbol.for('courier:outbox-relay-observer');

/** Batches of one claimer in flight at once while a backlog drains. */
const BATCHES_PER_CLAIMER = 2;

/**
 * Moves committed outbox rows to the broker. One per process, any number per database:
 * `relay.concurrency` claimers of the leased-work engine each claim a batch under a
 * fresh fencing token (up to two batches each while a backlog drains), publish it
 * pipelined and settle it where the token still matches, so a relay that stalled past its lease cannot settle rows another took.
 * The engine renews the leases of batches in flight, so a lease is a few seconds and a
 * crashed relay's rows are taken within that.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private readonly queue: RelayQueue;
  private readonly engine: LeasedWorkEngine<ClaimedRow, RelayBatchResult>;
  private readonly processor: RelayBatchProcessor;

  constructor(
    @Inject(RESOLVED_OUTBOX_OPTIONS) private readonly options: ResolvedOutboxOptions,
    store: OutboxStore,
    private readonly scheduled: ScheduledMessagesMover,
    @Optional() @Inject(OUTBOX_PUBLISHER) private readonly publisher?: OutboxPublisher,
    @Optional() @Inject(RELAY_OBSERVER) observer?: RelayObserver,
  ) {
    const { relay, ordering } = options;
    this.queue = new RelayQueue(store, relay.processorId, ordering === 'per-key');
    const transport = () => this.requirePublisher();
    const wakeAfter = (ms: number) => this.engine.wakeAfter(ms);
    this.processor = new RelayBatchProcessor(transport, store, options, wakeAfter, this.logger, observer);
    // Rows written claimed and not yet published are bounded by one batch. After a full
    // batch a claimer claims its next while the first is published, so a backlog's claims
    // and deletes overlap the broker's confirms instead of taking turns with them.
    const claimers = new BatchClaimers(relay.concurrency, relay.batchSize, BATCHES_PER_CLAIMER);
    this.engine = new LeasedWorkEngine(this.queue, this.processor, claimers, relay, this.logger);
  }

  /** True while the claimers run (between bootstrap and shutdown). */
  isRunning(): boolean {
    return this.engine.isRunning();
  }

  /** True when the transport would accept a publish now; the claimers claim only then. */
  isPublisherReady(): boolean {
    return this.publisher?.isReady() ?? false;
  }

  onApplicationBootstrap(): void {
    if (this.options.relay.enabled) this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts the claimers; called at bootstrap when `relay.enabled`. */
  start(): void {
    this.requirePublisher();
    if (this.engine.isRunning()) return;
    this.engine.start();
    // Scheduled messages reach the outbox while a relay runs, moved when they come due.
    this.scheduled.start((seqs) => this.wake(seqs));
    this.logger.log(
      `Relay ${this.options.relay.processorId} started (${this.options.relay.concurrency} claimers)`,
    );
  }

  /**
   * Stops claiming, waits for batches in flight up to `relay.shutdownTimeoutMs`, then
   * gives back what this relay still holds so another relay can take it at once.
   */
  async stop(): Promise<void> {
    await Promise.all([this.engine.stop(), this.scheduled.stop()]);
  }

  /**
   * Calls `listener` with every settled batch, per-message outcomes included (e.g. to
   * log which messages failed and why). Returns a function that unsubscribes.
   */
  onBatch(listener: (result: RelayBatchResult) => void): () => void {
    return this.processor.listeners.add(listener);
  }

  /**
   * Wakes a sleeping claimer: something was committed. `committedSeqs`, from this
   * process's own commits, lets it claim exactly those rows (unordered mode; per-key
   * mode must look for each key's head instead).
   */
  wake(committedSeqs?: readonly string[]): void {
    if (committedSeqs) this.queue.hint(committedSeqs);
    this.engine.wake();
  }

  /**
   * Room for `wanted` rows a publish writes already claimed by this relay, published
   * once their transaction commits (see WrittenClaim). Null in per-key order (a key's
   * head must be found in the table), while the broker is unreachable, or when the
   * relay holds all it may: the rows are then written due, as usual.
   */
  reserve(wanted: number): Reservation<ClaimedRow> | null {
    if (this.options.ordering === 'per-key' || !this.isPublisherReady()) return null;
    return this.engine.reserve(wanted);
  }

  /** Claims, publishes and settles one batch now, in the calling task. For tests and custom loops. */
  async pumpOnce(): Promise<RelayBatchResult> {
    this.requirePublisher();
    const started = performance.now();
    return (await this.engine.pumpOnce()) ?? emptyResult(performance.now() - started);
  }

  private requirePublisher(): OutboxPublisher {
    if (!this.publisher) throw new OutboxConfigurationError(OutboxMessages.publisherMissing);
    return this.publisher;
  }
}
