import type { MessageAttributes } from '../interfaces/message.interface';

/** A message at rest in an in-memory queue. */
export interface StoredMessage {
  readonly id: string;
  readonly payload: Buffer;
  readonly attributes: MessageAttributes;
}

/** What a queue needs from a consumer to hand it a message. */
export interface QueueSubscriber {
  canTake(): boolean;
  take(message: StoredMessage): void;
}

/**
 * FIFO with round-robin over subscribers that have room, like a RabbitMQ queue:
 * a message given back goes to the head, so per-consumer order holds.
 */
export class InMemoryQueue {
  private readonly ready: StoredMessage[] = [];
  private readonly subscribers: QueueSubscriber[] = [];
  private next = 0;

  constructor(readonly name: string) {}

  get readyCount(): number {
    return this.ready.length;
  }

  get subscriberCount(): number {
    return this.subscribers.length;
  }

  snapshot(): readonly StoredMessage[] {
    return [...this.ready];
  }

  enqueue(message: StoredMessage): void {
    this.ready.push(message);
    this.dispatch();
  }

  /** Takes out the messages `select` picks among the first `scan`; the others keep their order. */
  remove(select: (message: StoredMessage) => boolean, scan: number): StoredMessage[] {
    const removed: StoredMessage[] = [];
    const kept: StoredMessage[] = [];
    this.ready.slice(0, scan).forEach((message) => (select(message) ? removed : kept).push(message));
    this.ready.splice(0, Math.min(scan, this.ready.length), ...kept);
    return removed;
  }

  returnToHead(messages: readonly StoredMessage[]): void {
    this.ready.unshift(...messages);
    this.dispatch();
  }

  subscribe(subscriber: QueueSubscriber): void {
    if (!this.subscribers.includes(subscriber)) this.subscribers.push(subscriber);
    this.dispatch();
  }

  unsubscribe(subscriber: QueueSubscriber): void {
    const index = this.subscribers.indexOf(subscriber);
    if (index >= 0) this.subscribers.splice(index, 1);
  }

  /** Delivers on the next tick, as a broker would: never inside the caller's stack. */
  dispatch(): void {
    queueMicrotask(() => this.deliver());
  }

  private deliver(): void {
    while (this.ready.length > 0) {
      const subscriber = this.nextWithRoom();
      if (!subscriber) return;
      subscriber.take(this.ready.shift()!);
    }
  }

  private nextWithRoom(): QueueSubscriber | undefined {
    for (let i = 0; i < this.subscribers.length; i++) {
      const subscriber = this.subscribers[(this.next + i) % this.subscribers.length];
      if (subscriber.canTake()) {
        this.next = (this.next + i + 1) % this.subscribers.length;
        return subscriber;
      }
    }
    return undefined;
  }
}
