import { JsonCodec, MAX_BACKOFF_DELAY_MS } from '@courier-nest/core';
import { MessageDecodeError } from '../errors/message-decode.error';
import type {
  DeadLetterDetails,
  Message,
  MessageAttributes,
  MessageContext,
} from '../interfaces/message.interface';
import { attemptFromHeaders, contextFromAttributes } from './message-context';

const codec = new JsonCodec();

/**
 * The part of a `Message` every transport shares: decoding, context, and the rule
 * that a message is settled once (a second settle is ignored, so a late timeout or a
 * double call in a processor cannot ack what was already dead-lettered).
 */
export abstract class SettleOnceMessage implements Message {
  readonly context: MessageContext;
  readonly attempt: number;
  private settled = false;

  protected constructor(
    readonly id: string,
    readonly source: string,
    readonly payload: Buffer,
    readonly attributes: MessageAttributes,
  ) {
    this.context = contextFromAttributes(attributes);
    this.attempt = attemptFromHeaders(attributes.headers);
  }

  get isSettled(): boolean {
    return this.settled;
  }

  decode<T = unknown>(): T {
    try {
      return codec.decode<T>(this.payload);
    } catch (error) {
      throw new MessageDecodeError(this.id, error);
    }
  }

  ack(): Promise<void> {
    return this.once(() => this.doAck());
  }

  nack(): Promise<void> {
    return this.once(() => this.doNack());
  }

  retry(delayMs: number): Promise<void> {
    // Never NaN or Infinity into a broker argument: a bad delay means "soon".
    const delay = Number.isFinite(delayMs)
      ? Math.min(Math.max(0, Math.round(delayMs)), MAX_BACKOFF_DELAY_MS)
      : 0;
    return this.once(() => this.doRetry(delay));
  }

  deadLetter(details: DeadLetterDetails): Promise<void> {
    return this.once(() => this.doDeadLetter(details));
  }

  protected abstract doAck(): Promise<void>;
  protected abstract doNack(): Promise<void>;
  protected abstract doRetry(delayMs: number): Promise<void>;
  protected abstract doDeadLetter(details: DeadLetterDetails): Promise<void>;

  private once(settle: () => Promise<void>): Promise<void> {
    if (this.settled) return Promise.resolve();
    this.settled = true;
    return settle();
  }
}
