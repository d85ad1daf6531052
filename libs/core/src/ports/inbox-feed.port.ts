import type { JsonCodec } from '../codec/json-codec';

/**
 * Provide the inbox's feed (an `InboxFeed`) under this token; `InboxModule` does, and a
 * transport (`CourierRabbitMQModule`) injects it to subscribe and store what arrives.
 */
export const INBOX_FEED = Symbol.for('courier:inbox-feed');

/**
 * The port between a transport and the inbox: what to subscribe to, how to decode, where to
 * store. It lives in core so that a transport needs no inbox code at run time;
 * @courier-nest/inbox provides it and re-exports the types.
 *
 * Contract:
 * - `eventTypes()` lists the event types with at least one registered handler; the transport
 *   subscribes once per event type (on RabbitMQ: a queue bound to the exchange of that name).
 * - `onEventTypeAdded(listener)` hears of event types that get their first handler later, at
 *   run time (`InboxService.registerHandler`, e.g. from a microservice strategy's `listen()`):
 *   a transport that has started subscribes to each as it comes. Optional for a feed whose
 *   event types are fixed at bootstrap.
 * - `receiveMany` stores a batch in one transaction and resolves once it committed: only then
 *   may the transport ack the deliveries. A duplicate id is stored once and is no error. It
 *   rejects when nothing was stored (database down): the transport gives the deliveries back.
 * - `codec` is the inbox's JSON codec (its size and safety limits): the transport decodes
 *   bodies with it, so what it cannot decode is refused before it is stored.
 */
export interface InboxFeed {
  /** The receiving service; transports name their queues after it. */
  readonly serviceName: string;
  readonly codec: JsonCodec;
  eventTypes(): readonly string[];
  onEventTypeAdded?(listener: (eventType: string) => void): void;
  receiveMany(messages: readonly IncomingMessage[]): Promise<unknown>;
}

/** What `InboxService.receive` takes: a message from any transport. */
export interface IncomingMessage<TPayload = unknown> {
  id: string;
  eventType: string;
  type?: string | null;
  payload: TPayload;
  /**
   * The payload's JSON text when the transport has it already (e.g. the body it decoded
   * `payload` from with the inbox's codec): it is stored as is, saving an encode, and a
   * handler run that starts in this process as the message is stored may get `payload`
   * itself instead of decoding the text again. Must decode to `payload`.
   */
  encodedPayload?: string;
  occurredAt?: Date | null;
  headers?: Record<string, string>;
}
