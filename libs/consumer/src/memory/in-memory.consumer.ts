import type { Consumer, ConsumerSink } from '../interfaces/consumer.interface';
import type { DeadLetterDetails } from '../interfaces/message.interface';
import type { InMemoryBroker } from './in-memory.broker';
import { InMemoryMessage, type InMemorySettler } from './in-memory.message';
import type { InMemoryQueue, QueueSubscriber, StoredMessage } from './in-memory.queue';

/** A subscription to an in-memory queue, with the prefetch and unacked set of an AMQP consumer. */
export class InMemoryConsumer implements Consumer, QueueSubscriber, InMemorySettler {
  private readonly unacked = new Set<InMemoryMessage>();
  private sink?: ConsumerSink;
  private active = false;
  private closed = false;

  constructor(
    private readonly broker: InMemoryBroker,
    private readonly queue: InMemoryQueue,
    private prefetch: number,
    private readonly deadLetterQueue: string,
  ) {}

  async start(sink: ConsumerSink): Promise<void> {
    if (this.closed) throw new Error(`Consumer of "${this.queue.name}" is closed`);
    this.sink = sink;
    this.active = true;
    this.queue.subscribe(this);
  }

  async stop(): Promise<void> {
    this.active = false;
    this.queue.unsubscribe(this);
  }

  async setPrefetch(prefetch: number): Promise<void> {
    this.prefetch = prefetch;
    this.queue.dispatch();
  }

  async close(): Promise<void> {
    this.shutDown();
  }

  /** Simulates a broken channel: unacked messages go back, the sink hears the error. */
  fail(error: Error): void {
    if (this.closed) return;
    this.shutDown();
    this.sink?.error(error);
  }

  isOf(queue: string): boolean {
    return this.queue.name === queue;
  }

  canTake(): boolean {
    return this.active && !this.closed && this.unacked.size < this.prefetch;
  }

  take(stored: StoredMessage): void {
    const message = new InMemoryMessage(stored, this.queue.name, this);
    this.unacked.add(message);
    this.sink!.message(message);
  }

  holds(message: InMemoryMessage): boolean {
    return this.unacked.has(message);
  }

  release(message: InMemoryMessage): void {
    this.unacked.delete(message);
    this.queue.dispatch();
  }

  giveBack(stored: StoredMessage): void {
    this.queue.returnToHead([redelivered(stored)]);
  }

  retryLater(stored: StoredMessage, delayMs: number): void {
    this.broker.retryLater(this.queue.name, stored, delayMs);
  }

  deadLetter(stored: StoredMessage, details: DeadLetterDetails, attempt: number): void {
    this.broker.deadLetter(this.queue.name, this.deadLetterQueue, stored, details, attempt);
  }

  private shutDown(): void {
    this.closed = true;
    this.active = false;
    this.queue.unsubscribe(this);
    const given = [...this.unacked].map((message) => redelivered(message.stored));
    this.unacked.clear();
    if (given.length > 0) this.queue.returnToHead(given);
    this.broker.forget(this);
  }
}

function redelivered(stored: StoredMessage): StoredMessage {
  return { ...stored, attributes: { ...stored.attributes, redelivered: true } };
}
