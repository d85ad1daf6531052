import { UnknownConsumerQueueError } from '../errors/unknown-consumer-queue.error';
import type {
  ConsumerQueueAdmin,
  ConsumerQueueStats,
  DeadLetterPage,
  DeadLetterSelection,
  DeadLetterWindow,
} from '../interfaces/consumer-queue-admin.interface';
import {
  checkDeadLetterSelection,
  checkDeadLetterWindow,
  type DeadLetterTarget,
} from './dead-letter-request.checks';

/** A consumer queue as an admin serves it. */
export interface AdminQueue {
  queue: string;
  deadLetterQueue: string;
}

/**
 * The part of a `ConsumerQueueAdmin` every transport shares (as `SettleOnceMessage` is for
 * messages): the queue must be a consumer queue, windows and selections are checked, and the
 * peeks, requeues and purges of one queue run one after another, so two operators' peeks never
 * see each other's held messages as missing. A transport implements the five protected steps.
 */
export abstract class CheckedQueueAdmin<T extends AdminQueue = AdminQueue> implements ConsumerQueueAdmin {
  private readonly turns = new Map<string, Promise<unknown>>();

  /** The consumer queues served now, each with its dead-letter queue. */
  protected abstract consumerQueues(): Iterable<T>;
  protected abstract readStats(target: T): Promise<ConsumerQueueStats>;
  protected abstract readDead(target: T, window: DeadLetterWindow): Promise<DeadLetterPage>;
  protected abstract moveDead(target: T, which: DeadLetterTarget): Promise<string[]>;
  protected abstract deleteDead(target: T, which: DeadLetterTarget): Promise<number>;

  /** Not in turn: an overview must not wait behind a long requeue (it may count held messages as gone). */
  async stats(queue: string): Promise<ConsumerQueueStats> {
    return this.readStats(this.find(queue));
  }

  async peekDead(queue: string, window: DeadLetterWindow): Promise<DeadLetterPage> {
    const target = this.find(queue);
    const checked = checkDeadLetterWindow(target.deadLetterQueue, window);
    return this.inTurn(target, () => this.readDead(target, checked));
  }

  async requeueDead(queue: string, which: DeadLetterSelection): Promise<string[]> {
    const target = this.find(queue);
    const checked = checkDeadLetterSelection(which);
    return this.inTurn(target, () => this.moveDead(target, checked));
  }

  async purgeDead(queue: string, which: DeadLetterSelection): Promise<number> {
    const target = this.find(queue);
    const checked = checkDeadLetterSelection(which);
    return this.inTurn(target, () => this.deleteDead(target, checked));
  }

  private find(queue: string): T {
    const all = [...this.consumerQueues()];
    const found = all.find((candidate) => candidate.queue === queue);
    if (found) return found;
    const owner = all.find((candidate) => candidate.deadLetterQueue === queue)?.queue;
    throw new UnknownConsumerQueueError(queue, all.map((candidate) => candidate.queue).sort(), owner);
  }

  private inTurn<R>(target: T, run: () => Promise<R>): Promise<R> {
    const key = target.deadLetterQueue;
    const previous = this.turns.get(key) ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    this.turns.set(key, settled);
    void settled.then(() => {
      if (this.turns.get(key) === settled) this.turns.delete(key);
    });
    return next;
  }
}
