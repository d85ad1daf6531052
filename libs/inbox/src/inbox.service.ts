import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InvalidMessageError } from '@courier-nest/core';
import { assertName } from '@courier-nest/core/internal';
import { RESOLVED_INBOX_OPTIONS } from './inbox.constants';
import type { ResolvedInboxOptions } from './inbox-options.resolver';
import { InboxRegistry, type RegisteredHandler } from './inbox.registry';
import { InboxHandlerRegistrar } from './inbox-handler.registrar';
import type { InboxHandlerRegistration } from './interfaces/inbox-handler.interface';
import {
  InboxStore,
  type DeadInboxHandler,
  type InboxStats,
  type ReceivedRows,
  type StoredIncoming,
} from './inbox.store';
import type { IncomingMessage } from '@courier-nest/core';
import { claimedOnReceive, leftPending, rowsFitting } from './dispatcher/claim-on-receive';
import { InboxDispatcher } from './dispatcher/inbox-dispatcher.service';
import { InboxMetrics } from './metrics/inbox.metrics';

export interface ReceiveResult {
  id: string;
  /** True when this id was received before: nothing was stored, no handler will run again. */
  duplicate: boolean;
}

/**
 * Stores incoming messages exactly once per id, with one state row per registered
 * handler, and gives operators the dead ones back.
 */
@Injectable()
export class InboxService {
  private readonly logger = new Logger('InboxService');
  private readonly unhandledTypesLogged = new Set<string>();
  /** The handler runs a message of an event type gets, per `InboxRegistry.handlersOf` list. */
  private readonly runsByHandlers = new WeakMap<readonly RegisteredHandler[], StoredIncoming['handlers']>();

  constructor(
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
    private readonly store: InboxStore,
    private readonly registry: InboxRegistry,
    private readonly dispatcher: InboxDispatcher,
    private readonly metrics: InboxMetrics,
    private readonly registrar: InboxHandlerRegistrar,
  ) {}

  /**
   * Adds a handler at run time, as `@InboxHandler` does at bootstrap, with the same checks
   * (names, option limits, `duplicateHandlers`). For integrations that learn their handlers
   * late, such as a microservice strategy's `listen()`. Messages stored from now on get a
   * state row for it; a transport subscribes to a new event type at once (RabbitMQ: its
   * queue is declared and consumed). Messages stored before it was registered do not.
   *
   * @throws InboxConfigurationError for a bad key or option, or a duplicate key under `duplicateHandlers: 'error'`
   * @example
   * inbox.registerHandler({ eventType: 'order_events', handlerKey: 'reserve', handle: (m) => reserve(m.payload) });
   */
  registerHandler(registration: InboxHandlerRegistration): void {
    this.registrar.register({
      eventType: registration.eventType,
      handlerKey: registration.handlerKey,
      handle: registration.handle,
      options: registration.options ?? {},
      source: registration.source ?? `${registration.eventType}/${registration.handlerKey}`,
    });
  }

  /**
   * Stores a message unless its id was seen before (a unique insert, never a read
   * first), in the caller's transaction when `manager` is given, else in its own.
   * A message whose event type has no handler is stored, logged once and counted.
   */
  async receive(message: IncomingMessage, manager?: EntityManager): Promise<ReceiveResult> {
    const [result] = await this.receiveMany([message], manager);
    return result;
  }

  /**
   * `receive` for a batch, in one statement. Stored in its own transaction, new messages
   * are claimed as they are stored, as far as the dispatcher has room, and their handlers
   * start as soon as slots allow; the rest wait for a dispatcher's claim.
   */
  async receiveMany(messages: readonly IncomingMessage[], manager?: EntityManager): Promise<ReceiveResult[]> {
    const rows = this.toRows(messages);
    const client = manager?.queryRunner?.isTransactionActive ? await manager.queryRunner.connect() : null;
    // In the caller's transaction nothing may run before it commits.
    const reservation = client ? null : this.dispatcher.reserve(countHandlerRuns(rows));
    const flagged = reservation ? rowsFitting(rows, reservation.rows) : new Set<number>();
    let stored: ReceivedRows;
    try {
      stored = await this.store.receive(
        client,
        rows,
        this.options.notifyChannel,
        reservation ? { of: flagged, owner: reservation.owner, leaseMs: reservation.leaseMs } : undefined,
      );
    } catch (error) {
      reservation?.cancel();
      throw error;
    }
    const { inserted } = stored;
    const seen = new Set<string>();
    const results = messages.map(({ id, eventType }) => {
      const duplicate = !inserted.has(id) || seen.has(id);
      seen.add(id);
      if (duplicate) this.metrics.duplicate(eventType);
      return { id, duplicate };
    });
    for (const row of rows) {
      if (!inserted.has(row.id)) continue;
      this.metrics.received(row.eventType);
      if (row.handlers.length === 0) this.noteUnhandled(row.eventType);
    }
    reservation?.run(claimedOnReceive(rows, flagged, stored));
    if (!client && leftPending(rows, flagged, stored)) this.dispatcher.wake();
    return results;
  }

  stats(): Promise<InboxStats> {
    return this.store.stats();
  }

  /** Dead (message, handler) pairs, oldest first. */
  listDead(
    filter: { eventType?: string; handlerKey?: string; limit?: number } = {},
  ): Promise<DeadInboxHandler[]> {
    return this.store.listDead(filter.eventType ?? null, filter.handlerKey ?? null, filter.limit ?? 100);
  }

  /** Runs one handler of one message again, from attempt 1; the message's other handlers are untouched. */
  async replay(messageId: string, handlerKey: string): Promise<boolean> {
    const replayed = await this.store.replay(messageId, handlerKey);
    if (replayed) this.dispatcher.wake();
    return replayed;
  }

  /** Deletes a message and all its handler states. */
  purge(messageId: string): Promise<boolean> {
    return this.store.purge(messageId);
  }

  private toRows(messages: readonly IncomingMessage[]): StoredIncoming[] {
    const rows = new Map<string, StoredIncoming>();
    for (const message of messages) {
      if (typeof message.id !== 'string' || message.id.length === 0 || message.id.length > 255) {
        throw new InvalidMessageError(
          'id',
          `Inbox message id must be a non-empty string of at most 255 characters; got ${JSON.stringify(message.id)}.`,
        );
      }
      assertName('destination', message.eventType);
      if (rows.has(message.id)) continue; // the same id twice in one batch is a duplicate
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
      let payload: string;
      try {
        payload = message.encodedPayload ?? this.options.codec.encode(message.payload);
      } catch (error) {
        throw new InvalidMessageError('payload', (error as Error).message, { cause: error });
      }
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

  private noteUnhandled(eventType: string): void {
    this.metrics.unhandled(eventType);
    if (this.unhandledTypesLogged.has(eventType)) return;
    this.unhandledTypesLogged.add(eventType);
    this.logger.warn(
      `Stored a "${eventType}" message but no @InboxHandler handles "${eventType}" (logged once per type).`,
    );
  }
}

function countHandlerRuns(rows: readonly StoredIncoming[]): number {
  return rows.reduce((runs, row) => runs + row.handlers.length, 0);
}
