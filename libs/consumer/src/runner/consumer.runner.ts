import { MessageLogContext, type MessageLogFields } from '@courier-nest/core';
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
  MAX_TIMER_MS,
  resolveRunnerOptions,
  type ResolvedRunnerOptions,
} from './consumer-runner-options.resolver';
import { invokeProcessor } from './invoke-processor';
import { traceProcess } from './process-tracing';
import { settleMessage, type SettleContext } from './settle-message';
import { describe, SettlementPolicy, type Settlement } from './settlement.policy';

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
  private readonly policy: SettlementPolicy;
  private readonly logger: LoggerService;
  /** Aborted when stop begins: cuts waits (recreate backoff, a release's delay) short. */
  private readonly stopRequested = new AbortController();
  /** Aborted when stop gives up waiting: running processors see their signal abort. */
  private readonly lifetime = new AbortController();
  private readonly waiting: Message[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly consumingListeners = new Set<(stopped?: Error) => void>();
  private state: RunnerState = 'idle';
  private consumer?: Consumer;
  private connecting?: Promise<void>;
  private stopping?: Promise<void>;
  private concurrency: number;
  private prefetch: number;
  private readonly settleContext: SettleContext;
  private failuresInARow = 0;
  private exiting = false;

  constructor(
    private readonly factory: ConsumerFactory,
    private readonly processor: Processor,
    options?: ConsumerRunnerOptions,
  ) {
    this.options = resolveRunnerOptions(factory.source, options);
    this.policy = new SettlementPolicy(
      this.options.failureStrategy,
      this.options.maxAttempts,
      this.options.retryBackoff,
    );
    this.logger = this.options.logger;
    this.concurrency = this.options.concurrency;
    this.prefetch = this.options.prefetch ?? this.concurrency;
    this.settleContext = {
      source: factory.source,
      maxAttempts: this.options.maxAttempts,
      logger: this.logger,
      stopSignal: this.stopRequested.signal,
    };
  }

  get source(): string {
    return this.factory.source;
  }

  get status(): RunnerState {
    return this.state;
  }

  /** Messages whose processor is running now. */
  get inFlight(): number {
    return this.running.size;
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
    const timeoutMs = options.drain
      ? OptionChecks.integer('timeoutMs', options.timeoutMs ?? this.options.shutdownTimeoutMs, 0, MAX_TIMER_MS)
      : 0;
    const deadline = Date.now() + timeoutMs;
    // Only those running now: a resume() meanwhile starts others, which this call does not wait for.
    const running = [...this.running];
    if (this.state === 'running') {
      this.state = 'paused';
      const consumer = this.consumer;
      await consumer?.stop().catch((error) => this.consumerFailed(consumer, error));
      if (this.state === 'paused') this.giveBackWaiting(); // not if resumed meanwhile
    }
    if (!options.drain) return;
    if (!(await this.settledWithin(running, deadline - Date.now()))) {
      const stillRunning = running.filter((task) => this.running.has(task)).length;
      throw new DrainTimeoutError(this.source, timeoutMs, stillRunning);
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
    this.pump();
  }

  /** Resolves when deliveries flow; rejects after `timeoutMs`, or if the runner stops first. */
  waitUntilConsuming(timeoutMs = 10_000): Promise<void> {
    if (this.isConsuming) return Promise.resolve();
    if (this.stopping) return Promise.reject(this.stoppedError());
    return new Promise((resolve, reject) => {
      const listener = (stopped?: Error) => {
        clearTimeout(timer);
        this.consumingListeners.delete(listener);
        if (stopped) reject(stopped);
        else resolve();
      };
      const timer = setTimeout(() => {
        this.consumingListeners.delete(listener);
        reject(new Error(`Not consuming from "${this.source}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.consumingListeners.add(listener);
    });
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = this.drainAndClose();
      [...this.consumingListeners].forEach((listener) => listener(this.stoppedError()));
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
    this.giveBackWaiting();
    // No processor starts once stopping: the ones running now are all there will be.
    if (wasStarted && !(await this.settledWithin([...this.running], this.options.shutdownTimeoutMs))) {
      this.logger.warn(
        `${this.running.size} message(s) of "${this.source}" still processing after ${this.options.shutdownTimeoutMs} ms; aborting them, the broker delivers them again`,
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

  /** True once every task has finished, false if `timeoutMs` passed first. */
  private async settledWithin(tasks: Promise<void>[], timeoutMs: number): Promise<boolean> {
    if (tasks.every((task) => !this.running.has(task))) return true;
    if (timeoutMs <= 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.allSettled(tasks).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(resolve, timeoutMs, false))),
    ]);
    clearTimeout(timer);
    return finished;
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
    [...this.consumingListeners].forEach((listener) => listener());
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
    this.giveBackWaiting();
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
    this.waiting.push(message);
    this.pump();
  }

  private giveBackWaiting(): void {
    for (const message of this.waiting.splice(0)) {
      void message.nack();
      this.options.observer?.givenBack(this.source);
    }
  }

  private pump(): void {
    while (this.state === 'running' && this.running.size < this.concurrency && this.waiting.length > 0) {
      const task = this.handle(this.waiting.shift()!).finally(() => {
        this.running.delete(task);
        this.pump();
      });
      this.running.add(task);
    }
  }

  /**
   * With a logger reading MessageLogContext, processing and settling run in the message's
   * log fields. Otherwise (the hot path) no fields are built.
   */
  private handle(message: Message): Promise<void> {
    if (!MessageLogContext.recording) return this.processAndSettle(message);
    const correlationId = message.context.correlationId;
    const fields: MessageLogFields = correlationId
      ? { messageId: message.id, queue: this.source, correlationId }
      : { messageId: message.id, queue: this.source };
    return MessageLogContext.run(fields, () => this.processAndSettle(message));
  }

  private async processAndSettle(message: Message): Promise<void> {
    const startedAt = performance.now();
    this.options.observer?.started(this.source);
    let settlement: Settlement;
    try {
      // A message without a traceparent never touches the context API (the hot path).
      const outcome = await (message.context.traceparent === undefined
        ? invokeProcessor(this.processor, message, this.options.processTimeoutMs, this.lifetime.signal)
        : traceProcess(message, this.source, () =>
            invokeProcessor(this.processor, message, this.options.processTimeoutMs, this.lifetime.signal),
          ));
      settlement = this.policy.fromOutcome(outcome, message.attempt);
    } catch (error) {
      settlement = this.policy.fromError(error, message.attempt);
    }
    try {
      await settleMessage(message, settlement, this.settleContext);
      // Reset only by a completed settle: a consumer that delivers and then breaks (a
      // channel the broker keeps closing) must still back off.
      this.failuresInARow = 0;
    } catch (error) {
      this.logger.error(`Settling message ${message.id} of "${this.source}" failed: ${describe(error)}`);
    }
    if (settlement.kind === 'exit') this.exit(settlement.error);
    const kind = settlement.kind === 'exit' || settlement.kind === 'released' ? 'returned' : settlement.kind;
    this.options.observer?.settled(this.source, kind, (performance.now() - startedAt) / 1000);
  }

  /** The `exit` strategy: once, whichever message asked first; the runner drains, then calls `onExit`. */
  private exit(error: unknown): void {
    if (this.exiting) return;
    this.exiting = true;
    void this.stop().then(() => this.options.onExit(error));
  }
}
