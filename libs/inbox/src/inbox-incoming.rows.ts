import { InvalidMessageError, type IncomingMessage } from '@courier-nest/core';
import {
  assertHeaderWithoutNul,
  assertName,
  assertNoNulCharacter,
  assertPayloadWithoutNul,
} from '@courier-nest/core/internal';
import type { ResolvedInboxOptions } from './inbox-options.resolver';
import type { InboxRegistry, RegisteredHandler } from './inbox.registry';
import type { StoredIncoming } from './inbox.store';

/**
 * Turns received messages into the rows `InboxStore.receive` writes: checked, encoded,
 * one per id, each with the handler runs its event type gets now, sorted by id.
 */
export class IncomingRows {
  /** The handler runs a message of an event type gets, per `InboxRegistry.handlersOf` list. */
  private readonly runsByHandlers = new WeakMap<readonly RegisteredHandler[], StoredIncoming['handlers']>();

  constructor(
    private readonly options: Pick<ResolvedInboxOptions, 'codec' | 'maxAttempts'>,
    private readonly registry: InboxRegistry,
  ) {}

  toRows(messages: readonly IncomingMessage[]): StoredIncoming[] {
    const rows = new Map<string, StoredIncoming>();
    for (const message of messages) {
      if (typeof message.id !== 'string' || message.id.length === 0 || message.id.length > 255) {
        throw new InvalidMessageError(
          'id',
          `Inbox message id must be a non-empty string of at most 255 characters; got ${JSON.stringify(message.id)}.`,
        );
      }
      assertNoNulCharacter('id', message.id);
      assertName('destination', message.eventType);
      if (rows.has(message.id)) continue; // the same id twice in one batch is a duplicate
      if (message.type != null) assertNoNulCharacter('type', message.type);
      if (
        message.occurredAt != null &&
        !(message.occurredAt instanceof Date && !Number.isNaN(message.occurredAt.getTime()))
      ) {
        throw new InvalidMessageError(
          'occurredAt',
          'Inbox message occurredAt must be a valid Date (or null).',
        );
      }
      if (message.headers != null && Object.values(message.headers).some((v) => typeof v !== 'string')) {
        throw new InvalidMessageError('headers', 'Inbox message headers must be an object of string values.');
      }
      for (const [name, value] of Object.entries(message.headers ?? {})) assertHeaderWithoutNul(name, value);
      let payload: string;
      try {
        payload = message.encodedPayload ?? this.options.codec.encode(message.payload);
      } catch (error) {
        throw new InvalidMessageError('payload', (error as Error).message, { cause: error });
      }
      // Stored as text, an escaped NUL would fit; no handler could store what it decodes to.
      assertPayloadWithoutNul(payload);
      rows.set(message.id, {
        id: message.id,
        eventType: message.eventType,
        type: message.type ?? null,
        payload,
        decodedPayload: message.encodedPayload === undefined ? undefined : message.payload,
        headers: message.headers ?? {},
        occurredAt: message.occurredAt ?? null,
        handlers: this.handlerRuns(message.eventType),
      });
    }
    // Sorted by id: concurrent batches then lock overlapping ids in one order (no deadlock).
    return [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private handlerRuns(eventType: string): StoredIncoming['handlers'] {
    const handlers = this.registry.handlersOf(eventType);
    let runs = this.runsByHandlers.get(handlers);
    if (!runs) {
      runs = handlers.map((h) => ({
        key: h.handlerKey,
        maxAttempts: h.options.maxAttempts ?? this.options.maxAttempts,
      }));
      this.runsByHandlers.set(handlers, runs);
    }
    return runs;
  }
}
