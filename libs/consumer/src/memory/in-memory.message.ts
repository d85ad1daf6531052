import type { DeadLetterDetails } from '../interfaces/message.interface';
import { SettleOnceMessage } from '../message/settle-once.message';
import type { StoredMessage } from './in-memory.queue';

/** How an in-memory message reaches back to its consumer and broker when settled. */
export interface InMemorySettler {
  /** False once the consumer broke or closed: its messages were already given back. */
  holds(message: InMemoryMessage): boolean;
  release(message: InMemoryMessage): void;
  giveBack(stored: StoredMessage): void;
  retryLater(stored: StoredMessage, delayMs: number): void;
  deadLetter(stored: StoredMessage, details: DeadLetterDetails, attempt: number): void;
}

export class InMemoryMessage extends SettleOnceMessage {
  constructor(
    readonly stored: StoredMessage,
    source: string,
    private readonly settler: InMemorySettler,
  ) {
    super(stored.id, source, stored.payload, stored.attributes);
  }

  protected async doAck(): Promise<void> {
    this.release();
  }

  protected async doNack(): Promise<void> {
    if (this.release()) this.settler.giveBack(this.stored);
  }

  protected async doRetry(delayMs: number): Promise<void> {
    if (this.release()) this.settler.retryLater(this.stored, delayMs);
  }

  protected async doDeadLetter(details: DeadLetterDetails): Promise<void> {
    if (this.release()) this.settler.deadLetter(this.stored, details, this.attempt);
  }

  /** Like settling on a closed AMQP channel: a no-op, the message was already given back. */
  private release(): boolean {
    if (!this.settler.holds(this)) return false;
    this.settler.release(this);
    return true;
  }
}
