import { Inject, Injectable, Logger } from '@nestjs/common';
import { RESOLVED_OUTBOX_OPTIONS } from '../outbox.constants';
import type { ResolvedOutboxOptions } from '../outbox-options.resolver';
import { OutboxScheduleStore } from '../outbox-schedule.store';

/** setTimeout fires at once past this; a later due time is armed by a later look. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Moves scheduled messages into the outbox when they come due, where the relay then
 * claims them like any other: it runs while the relay runs (`OutboxRelay.start` / `stop`).
 *
 * It wakes at the soonest due time it knows of: those of the messages this process
 * writes (`offer`, from `publish`), and the soonest waiting one, which it reads from the
 * database every `relay.pollIntervalMs` and after every move. A message written by another
 * process is therefore moved at its time if this relay looked after it was written and
 * before it was due, and at worst one poll interval late; a relay that starts moves at
 * once what came due while none ran. Any number of relays may move: each takes its own
 * rows (FOR UPDATE SKIP LOCKED).
 */
@Injectable()
export class ScheduledMessagesMover {
  private readonly logger = new Logger('ScheduledMessagesMover');
  private running = false;
  private onMoved: (seqs: string[]) => void = () => undefined;
  /** The wake at the soonest known due time, and when it fires (performance.now()). */
  private timer?: NodeJS.Timeout;
  private timerAt = Number.POSITIVE_INFINITY;
  private pollTimer?: NodeJS.Timeout;
  private moving: Promise<void> | null = null;
  private again = false;
  private lastErrorLoggedAt = 0;

  constructor(
    @Inject(RESOLVED_OUTBOX_OPTIONS) private readonly options: ResolvedOutboxOptions,
    private readonly store: OutboxScheduleStore,
  ) {}

  /** Starts looking now and every poll interval; `onMoved` gets the new seqs of moved messages. */
  start(onMoved: (seqs: string[]) => void): void {
    if (this.running) return;
    this.running = true;
    this.onMoved = onMoved;
    this.poll();
  }

  /** Stops the timers and waits for a move in progress (one transaction). */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    clearTimeout(this.pollTimer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    await this.moving;
  }

  /**
   * A message comes due in `dueInMs` (from the database clock): wake then, unless a wake
   * is set for sooner. Ignored while stopped: the next start looks in the database.
   */
  offer(dueInMs: number): void {
    if (!this.running) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(dueInMs)));
    const at = performance.now() + delay;
    if (at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.move();
    }, delay).unref();
  }

  private poll(): void {
    if (!this.running) return;
    this.pollTimer = setTimeout(() => this.poll(), this.options.relay.pollIntervalMs).unref();
    this.move();
  }

  /** One pass at a time; a wake during a pass runs another right after it. */
  private move(): void {
    if (!this.running) return;
    if (this.moving) {
      this.again = true;
      return;
    }
    this.moving = this.moveDue().finally(() => {
      this.moving = null;
      if (this.again) {
        this.again = false;
        this.move();
      }
    });
  }

  private async moveDue(): Promise<void> {
    const { relay, ordering, notify, notifyChannel } = this.options;
    try {
      for (;;) {
        const state = await this.store.state();
        if (state.nextDueInMs !== null) this.offer(state.nextDueInMs);
        if (!state.overdue || !this.running) return;
        const moved = await this.store.moveDue(
          relay.batchSize,
          ordering === 'per-key',
          notify ? notifyChannel : null,
        );
        if (moved.length > 0) this.onMoved(moved);
        // Fewer than a batch: none left, or the rest is another relay's to move.
        if (moved.length < relay.batchSize) return;
      }
    } catch (error) {
      const now = Date.now();
      if (now - this.lastErrorLoggedAt < 5_000) return;
      this.lastErrorLoggedAt = now;
      this.logger.error(
        `Moving due scheduled messages failed (retried at the next poll): ${(error as Error).message}`,
      );
    }
  }
}
