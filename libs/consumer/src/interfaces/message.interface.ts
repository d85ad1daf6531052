/**
 * What a transport knows about a delivery besides its body: the AMQP basic properties
 * and delivery fields (the worker design's "attributes"). The in-memory transport fills
 * the same fields, so processors never branch on the transport.
 */
export interface MessageAttributes {
  messageId?: string;
  correlationId?: string;
  contentType?: string;
  contentEncoding?: string;
  /** The AMQP `type` property. */
  type?: string;
  appId?: string;
  userId?: string;
  replyTo?: string;
  expiration?: string;
  priority?: number;
  deliveryMode?: number;
  timestamp?: Date;
  /** Application headers. Courier's own (`x-courier-*`) are included as received. */
  headers: Readonly<Record<string, unknown>>;
  /** The exchange the message was published to (`''` for the default exchange). */
  exchange: string;
  routingKey: string;
  /** The broker delivered it before and it was not acknowledged then. */
  redelivered: boolean;
}

/** Trace and causation context taken from the headers, for logs and tracing. */
export interface MessageContext {
  /** W3C `traceparent`, only when well formed. */
  traceparent?: string;
  tracestate?: string;
  correlationId?: string;
  causationId?: string;
}

/** Why a message left its source for the error destination. */
export interface DeadLetterDetails {
  /** One line, for people: what was wrong. */
  reason: string;
}

/**
 * One delivery. Settle it exactly once — `ack`, `nack`, `retry` or `deadLetter`;
 * a second call is ignored. Settling never throws: if the channel is gone, the broker
 * delivers the message again, which is the at-least-once contract.
 */
export interface Message {
  /** `attributes.messageId`, or a stable id the transport made up when it had none. */
  readonly id: string;
  /** The queue it was consumed from. */
  readonly source: string;
  /** The body, byte for byte. */
  readonly payload: Buffer;
  readonly attributes: MessageAttributes;
  readonly context: MessageContext;
  /**
   * 1 on the first delivery; `retry()` delivers it again with `attempt + 1`. The count
   * travels with the message (a header), so it survives redelivery and restarts.
   */
  readonly attempt: number;
  /** The payload parsed as JSON safely (no `__proto__`); throws `MessageDecodeError`. */
  decode<T = unknown>(): T;
  /** Done: remove it from the source. */
  ack(): Promise<void>;
  /** Give it back untouched for immediate redelivery (shutdown, pause). Not an attempt. */
  nack(): Promise<void>;
  /** Deliver it again from the source after about `delayMs`, as attempt `attempt + 1`. */
  retry(delayMs: number): Promise<void>;
  /**
   * Move it to the error destination with the reason, its original exchange, routing key
   * and attempt count in headers, then remove it from the source.
   */
  deadLetter(details: DeadLetterDetails): Promise<void>;
}
