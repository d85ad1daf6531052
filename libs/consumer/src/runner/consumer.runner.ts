import { delay, OptionChecks } from '@courier-nest/core/internal';
import type { LoggerService } from '@nestjs/common';
import { DrainTimeoutError } from '../errors/drain-timeout.error';
import type { Consumer, ConsumerFactory, ConsumerSink } from '../interfaces/consumer.interface';
import type { ConsumerRunnerOptions } from '../interfaces/consumer-runner-options.interface';
import type { Message } from '../interfaces/message.interface';
import type { PauseOptions } from '../interfaces/pause-options.interface';
import type { Processor } from '../interfaces/processor.interface';
import {
  MAX_CONCURRENCY,
  resolveDrainTimeout,
  resolveRunnerOptions,
  type ResolvedRunnerOptions,
} from './consumer-runner-options.resolver';
import { consumerPipeline } from './consumer.pipeline';
import { ConsumingWaiters } from './consuming-waiters';
import { DeliveryBuffer } from './delivery-buffer';
import { describe } from './settlement.policy';

export type RunnerState = 'idle' | 'running' | 'paused' | 'stopping' | 'stopped';

/**
 * The async consumer component (patron's): takes deliveries from a consumer made by
 * the factory, runs up to `concurrency` processors, settles each message by its
 * outcome and the failure strategy, and recreates the consumer when it breaks.
 *
 * Shutdown (`stop`) drains in a fixed order: stop taking deliveries → give back the
 * ones not started → wait for running processors (bounded) → close the consumer.
 */
export class ConsumerRunner {
  private readonly options: ResolvedRunnerOptions;
  private readonly logger: LoggerService;
  /** Deliveries waiting for a slot and running, each through the handler pipeline. */
  private readonly deliveries: DeliveryBuffer;
  /** Aborted when stop begins: cuts waits (recreate backoff, a release's delay) short. */
  private readonly stopRequested = new AbortController();
  /** Aborted when stop gives up waiting: running processors see their signal abort. */
  private readonly lifetime = new AbortController();
  private readonly waiters = new ConsumingWaiters();
  private state: RunnerState = 'idle';
  private consumer?: Consumer;
  private connecting?: Promise<void>;
  private stopping?: Promise<void>;
  private concurrency: number;
  private prefetch: number;
  private failuresInARow = 0;
  private exiting = false;

  constructor(
    private readonly factory: ConsumerFactory,
    processor: Processor,
    options?: ConsumerRunnerOptions,
  ) {
    this.options = resolveRunnerOptions(factory.source, options);
    this.logger = this.options.logger;
    this.concurrency = this.options.concurrency;
    this.prefetch = this.options.prefetch ?? this.concurrency;
    this.deliveries = new DeliveryBuffer(
      consumerPipeline(
        factory.source,
        processor,
        this.options,
        { stopRequested: this.stopRequested.signal, lifetime: this.lifetime.signal },
        // Reset only by a completed settle: see settlingWrapper.
        { settled: () => (this.failuresInARow = 0), exit: (error) => this.exit(error) },
      ),
      () => (this.state === 'running' ? this.concurrency : 0),
      () => this.options.observer?.givenBack(this.source),
    );
  }

  get source(): string {
    return this.factory.source;
  }

  get status(): RunnerState {
    return this.state;
  }

  /** Messages whose processor is running now. */
  get inFlight(): number {
    return this.deliveries.inFlight;
  }

  get currentConcurrency(): number {
    return this.concurrency;
  }

  /** True while a consumer is subscribed and deliveries flow. */
  get isConsuming(): boolean {
    return this.state === 'running' && this.consumer !== undefined && this.connecting === undefined;
  }

  /**
   * Starts consuming in the background and returns: a broker that is down at boot is
   * retried (see `recreateBackoff`), not a bootstrap failure. `waitUntilConsuming` waits.
   */
  start(): void {
    if (this.state !== 'idle') throw new Error(`Consumer of "${this.source}" was already started`);
    this.state = this.options.startPaused ? 'paused' : 'running';
    if (this.state === 'running') this.ensureConsumer();
  }

  /**
   * Stops taking deliveries and gives the buffered ones back; no message starts until
   * `resume()`. Processors already running go on and settle their messages: by default
   * `pause` does not wait for them. With `{ drain: true }` it resolves only once the
   * processors running when it was called have finished and settled, and rejects with
   * `DrainTimeoutError` after `timeoutMs` (nothing is aborted; the runner stays paused).
   *
   * @example
   * await runner.pause({ drain: true, timeoutMs: 10_000 }); // nothing of this queue runs now
   */
  async pause(options: PauseOptions = {}): Promise<void> {
    const timeoutMs = options.drain ? resolveDrainTimeout(options.timeoutMs, this.options) : 0;
    const deadline = Date.now() + timeoutMs;
    // Only those running now: a resume() meanwhile starts others, which this call does not wait for.
    const running = this.deliveries.runningNow();
    if (this.state === 'running') {
      this.state = 'paused';
      const consumer = this.consumer;
      await consumer?.stop().catch((error) => this.consumerFailed(consumer, error));
      if (this.state === 'paused') this.deliveries.giveBackWaiting(); // not if resumed meanwhile
    }
    if (!options.drain) return;
    if (!(await this.deliveries.settledWithin(running, deadline - Date.now()))) {
      throw new DrainTimeoutError(this.source, timeoutMs, this.deliveries.stillRunning(running));
    }
  }

  async resume(): Promise<void> {
    if (this.state !== 'paused') return;
    this.state = 'running';
    const consumer = this.consumer;
    if (!consumer) return this.ensureConsumer();
    await consumer.start(this.sinkFor(consumer)).then(
      () => this.announceConsuming(),
      (error) => this.consumerFailed(consumer, error),
    );
  }

  /** Changes how many messages are processed at once; the prefetch follows. */
  async setConcurrency(concurrency: number): Promise<void> {
    this.concurrency = OptionChecks.integer('concurrency', concurrency, 1, MAX_CONCURRENCY);
    this.prefetch = Math.max(concurrency, this.options.prefetch ?? concurrency);
    const consumer = this.consumer;
    if (consumer)
      await consumer.setPrefetch(this.prefetch).catch((error) => this.consumerFailed(consumer, error));
    this.deliveries.pump();
  }

  /** Resolves when deliveries flow; rejects after `timeoutMs`, or if the runner stops first. */
  waitUntilConsuming(timeoutMs = 10_000): Promise<void> {
    if (this.isConsuming) return Promise.resolve();
    if (this.stopping) return Promise.reject(this.stoppedError());
    return this.waiters.wait(timeoutMs, `Not consuming from "${this.source}" within ${timeoutMs} ms`);
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = this.drainAndClose();
      this.waiters.stopped(this.stoppedError());
    }
    return this.stopping;
  }

  private stoppedError(): Error {
    return new Error(`The consumer of "${this.source}" stopped`);
  }

  private async drainAndClose(): Promise<void> {
    const wasStarted = this.state !== 'idle';
    this.state = 'stopping';
    this.stopRequested.abort();
    const consumer = this.consumer;
    await consumer?.stop().catch(() => undefined);
    this.deliveries.giveBackWaiting();
    // No processor starts once stopping: the ones running now are all there will be.
    const running = this.deliveries.runningNow();
    if (wasStarted && !(await this.deliveries.settledWithin(running, this.options.shutdownTimeoutMs))) {
      this.logger.warn(
        `${this.deliveries.inFlight} message(s) of "${this.source}" still processing after ${this.options.shutdownTimeoutMs} ms; aborting them, the broker delivers them again`,
      );
    }
    this.lifetime.abort();
    this.consumer = undefined;
    await consumer
      ?.close()
      .catch((error) =>
        this.logger.warn(`Closing the consumer of "${this.source}" failed: ${describe(error)}`),
      );
    this.state = 'stopped';
  }

  private ensureConsumer(): void {
    if (this.consumer || this.connecting) return;
    this.connecting = this.connect().finally(() => {
      this.connecting = undefined;
      if (this.consumer && this.state === 'running') this.announceConsuming();
    });
  }

  private async connect(): Promise<void> {
    while (this.state === 'running') {
      if (this.failuresInARow > 0) {
        await delay(this.options.recreateBackoff.delayAfter(this.failuresInARow), this.stopRequested.signal);
        if (this.state !== 'running') return;
      }
      let consumer: Consumer | undefined;
      try {
        consumer = await this.factory.create({ prefetch: this.prefetch });
        if (this.state !== 'running') return void (await consumer.close().catch(() => undefined));
        this.consumer = consumer;
        await consumer.start(this.sinkFor(consumer));
        return;
      } catch (error) {
        this.failuresInARow++;
        this.consumer = undefined;
        await consumer?.close().catch(() => undefined);
        this.logger.warn(
          `Cannot consume from "${this.source}" (attempt ${this.failuresInARow}): ${describe(error)}; trying again`,
        );
      }
    }
  }

  private announceConsuming(): void {
    this.logger.log(
      `Consuming from "${this.source}" (concurrency ${this.concurrency}, prefetch ${this.prefetch})`,
    );
    this.waiters.consuming();
  }

  private sinkFor(consumer: Consumer): ConsumerSink {
    return {
      message: (message) => this.received(consumer, message),
      error: (error) => this.consumerFailed(consumer, error),
    };
  }

  private consumerFailed(consumer: Consumer, error: unknown): void {
    if (this.consumer !== consumer) return;
    this.consumer = undefined;
    this.failuresInARow++;
    void consumer.close().catch(() => undefined);
    this.deliveries.giveBackWaiting();
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.logger.warn(`Consumer of "${this.source}" failed: ${describe(error)}; recreating it`);
    if (this.state === 'running') this.ensureConsumer();
  }

  private received(consumer: Consumer, message: Message): void {
    this.options.observer?.received(this.source);
    if (this.consumer !== consumer || this.state !== 'running') {
      void message.nack();
      this.options.observer?.givenBack(this.source);
      return;
    }
    this.deliveries.add(message);
  }

  /** The `exit` strategy: once, whichever message asked first; the runner drains, then calls `onExit`. */
  private exit(error: unknown): void {
    if (this.exiting) return;
    this.exiting = true;
    void this.stop().then(() => this.options.onExit(error));
  }
}
