import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  delay,
  MessageLogContext,
  traceCarrierOf,
  WakeSignal,
  WireHeaders,
  type MessageLogFields,
} from '@courier/core';
import { INBOX_DATA_SOURCE, RESOLVED_INBOX_OPTIONS } from '../inbox.constants';
import type { ResolvedInboxOptions } from '../inbox-options.resolver';
import { InboxRegistry } from '../inbox.registry';
import { InboxStore, type ClaimedWork, type HandlerPairs, type WorkOutcome } from '../inbox.store';
import { InboxMetrics } from '../metrics/inbox.metrics';
import { HandlerRunner, type RunResult } from './handler-runner';
import { traceHandlerRun } from './handler-tracing';

const MAX_ERROR_BACKOFF_MS = 30_000;

/**
 * Runs due (message, handler) pairs: claims them in batches with FOR UPDATE SKIP
 * LOCKED under a lease and fencing token, runs up to `dispatcher.concurrency`
 * handlers at once, and settles each batch in one statement. Wakes on receive
 * (in-process and NOTIFY), else polls with jitter.
 */
@Injectable()
export class InboxDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InboxDispatcher');
  private readonly signal = new WakeSignal();
  private readonly runner: HandlerRunner;
  private readonly batches = new Set<Promise<void>>();
  private loop?: Promise<void>;
  private stopping = false;
  private stopped = new AbortController();
  private running = 0;
  private handlerPairs: HandlerPairs = { pairs: [] };
  private lastExhaustedCheck = 0;

  constructor(
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
    @Inject(INBOX_DATA_SOURCE) dataSource: DataSource,
    private readonly store: InboxStore,
    private readonly registry: InboxRegistry,
    private readonly metrics: InboxMetrics,
  ) {
    this.runner = new HandlerRunner(store, dataSource, options.codec);
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
    return this.loop !== undefined && !this.stopping;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.stopped = new AbortController();
    const handlers = this.registry.all();
    this.handlerPairs = { pairs: handlers.map((h) => `${h.eventType} ${h.handlerKey}`) };
    this.loop = this.run();
  }

  /** Stops claiming, waits for running handlers (bounded), then hands back what it still holds. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.stopped.abort();
    this.signal.notify();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.dispatcher.shutdownTimeoutMs);
    });
    await this.loop;
    const outcome = await Promise.race([Promise.allSettled([...this.batches]), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.logger.warn('Handlers still running at shutdown; releasing their claims');
    await this.store.releaseOwner(this.options.dispatcher.processorId).catch((error: Error) => {
      this.logger.warn(`Could not release claims (they expire on their own): ${error.message}`);
    });
    this.loop = undefined;
  }

  wake(): void {
    this.signal.notifyOne();
  }

  private async run(): Promise<void> {
    const { batchSize, concurrency, handlerLeaseMs } = {
      ...this.options.dispatcher,
      handlerLeaseMs: this.leaseMs(),
    };
    let errorStreak = 0;
    while (!this.stopping) {
      const seen = this.signal.current;
      const capacity = Math.min(batchSize, concurrency - this.running);
      if (capacity <= 0) {
        await this.signal.sleep(seen, this.pollDelay()); // a finishing batch wakes us
        continue;
      }
      let claimed: ClaimedWork[];
      try {
        await this.deadenExhausted();
        claimed = await this.store.claim(
          capacity,
          this.options.dispatcher.processorId,
          handlerLeaseMs,
          this.handlerPairs,
        );
        errorStreak = 0;
      } catch (error) {
        errorStreak++;
        this.logger.error(`Claim failed (attempt ${errorStreak}): ${(error as Error).message}`);
        // Not cut short by wakes: a database that is down must not be hammered per message.
        await delay(
          Math.min(MAX_ERROR_BACKOFF_MS, 100 * 2 ** Math.min(errorStreak, 10)),
          this.stopped.signal,
        );
        continue;
      }
      if (claimed.length > 0) this.startBatch(claimed);
      if (claimed.length < capacity) await this.signal.sleep(seen, this.pollDelay());
    }
  }

  private startBatch(claimed: ClaimedWork[]): void {
    this.running += claimed.length;
    const batch = this.runBatch(claimed)
      .catch((error: Error) =>
        this.logger.error(`Settling a batch failed (its claims will expire): ${error.message}`),
      )
      .finally(() => {
        this.running -= claimed.length;
        this.batches.delete(batch);
        this.signal.notifyOne();
      });
    this.batches.add(batch);
  }

  private async runBatch(claimed: ClaimedWork[]): Promise<void> {
    const results = await Promise.all(
      claimed.map(async (work) => {
        const handler = this.registry.get(work.eventType, work.handlerKey);
        const timeoutMs = handler?.options.timeoutMs ?? this.options.handlerTimeoutMs;
        const trace = traceCarrierOf(
          work.headers[WireHeaders.traceparent],
          work.headers[WireHeaders.tracestate],
        );
        // The handler runs in its message's log fields and trace (see MessageLogContext,
        // traceHandlerRun); the batch's own bookkeeping below stays outside both.
        const result = await MessageLogContext.run(
          logFields(work.messageId, work.eventType, work.handlerKey, work.headers),
          () => traceHandlerRun(work, trace, () => this.runner.run(work, handler, timeoutMs, trace)),
        );
        return { work, handler, result };
      }),
    );
    const outcomes: WorkOutcome[] = [];
    for (const { work, result } of results) {
      if (result.outcome === 'done' && result.committed) {
        this.metrics.handled(work.handlerKey, 'done', result);
        continue; // settled in its own transaction
      }
      outcomes.push({
        messageId: work.messageId,
        handlerKey: work.handlerKey,
        outcome: result.outcome,
        error: result.outcome === 'done' ? null : result.error,
        delayMs: this.options.backoff.delayAfter(work.attempt),
      });
    }
    const settled = await this.store.settle(outcomes, claimed[0].leaseToken);
    const retryDelays: number[] = [];
    const byRun = new Map(results.map((r) => [`${r.work.messageId}\n${r.work.handlerKey}`, r]));
    for (const row of settled) {
      const { work, result } = byRun.get(`${row.messageId}\n${row.handlerKey}`)!;
      // Recorded with the status the database settled on: the last failed attempt is `dead`.
      this.metrics.handled(row.handlerKey, row.status, result);
      if (row.status === 'done') continue;
      const error = (result as Extract<RunResult, { error: string }>).error;
      const info = {
        messageId: row.messageId,
        eventType: work.eventType,
        handlerKey: row.handlerKey,
        attempts: row.attempts,
        error,
      };
      if (row.status === 'failed') retryDelays.push(this.options.backoff.delayAfter(work.attempt));
      // The callbacks run in the message's log fields, so users' own lines there carry them.
      await MessageLogContext.run(
        logFields(row.messageId, work.eventType, row.handlerKey, work.headers),
        async () => {
          await this.callback('onError', info, () =>
            this.options.onError?.({ ...info, dead: row.status === 'dead' }),
          );
          if (row.status === 'dead') {
            this.metrics.dead(row.handlerKey);
            this.logger.error(
              `"${row.handlerKey}" is dead for message ${row.messageId} after ${row.attempts} attempts: ${error}`,
            );
            await this.callback('onDead', info, () => this.options.onDead?.(info));
          }
        },
      );
    }
    if (retryDelays.length > 0) this.wakeAfter(Math.min(...retryDelays));
  }

  /** At most once per poll interval: runs whose last attempt died with its worker become dead. */
  private async deadenExhausted(): Promise<void> {
    if (Date.now() - this.lastExhaustedCheck < this.options.dispatcher.pollIntervalMs) return;
    this.lastExhaustedCheck = Date.now();
    for (const row of await this.store.markExhausted(this.handlerPairs)) {
      this.metrics.dead(row.handlerKey);
      const info = {
        messageId: row.messageId,
        eventType: row.eventType,
        handlerKey: row.handlerKey,
        attempts: row.attempts,
        error: row.lastError,
      };
      await MessageLogContext.run(logFields(row.messageId, row.eventType, row.handlerKey), async () => {
        this.logger.error(`"${row.handlerKey}" is dead for message ${row.messageId}: ${row.lastError}`);
        await this.callback('onError', info, () => this.options.onError?.({ ...info, dead: true }));
        await this.callback('onDead', info, () => this.options.onDead?.(info));
      });
    }
  }

  private async callback(
    name: string,
    about: { messageId: string; handlerKey: string },
    call: () => unknown,
  ): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.logger.warn(
        `${name} callback threw for message ${about.messageId} ("${about.handlerKey}"): ${(error as Error).message}`,
      );
    }
  }

  private wakeAfter(ms: number): void {
    if (this.stopping || ms >= this.options.dispatcher.pollIntervalMs) return;
    setTimeout(() => this.wake(), ms + 5).unref();
  }

  /** A claim must outlive the slowest handler run it covers. */
  private leaseMs(): number {
    const longest = Math.max(
      this.options.handlerTimeoutMs,
      ...this.registry.all().map((h) => h.options.timeoutMs ?? 0),
    );
    return longest + this.options.dispatcher.leaseMarginMs;
  }

  private pollDelay(): number {
    const { pollIntervalMs, pollJitter } = this.options.dispatcher;
    return pollIntervalMs * (1 + pollJitter * Math.random());
  }
}

function logFields(
  messageId: string,
  eventType: string,
  handlerKey: string,
  headers?: Record<string, string>,
): MessageLogFields {
  const correlationId = headers?.[WireHeaders.correlationId];
  return correlationId
    ? { messageId, eventType, handlerKey, correlationId }
    : { messageId, eventType, handlerKey };
}
