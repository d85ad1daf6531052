import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RESOLVED_INBOX_OPTIONS } from './inbox.constants';
import type { ResolvedInboxOptions } from './inbox-options.resolver';
import { InboxRegistry } from './inbox.registry';
import { IncomingRows } from './inbox-incoming.rows';
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
import { InboxDeadStore } from './inbox-dead.store';
import { checkDeadInboxFilter, checkDeadInboxQuery, checkHandlerRuns } from './inbox-dead.query';
import type {
  DeadInboxFilter,
  DeadInboxPage,
  DeadInboxQuery,
  InboxHandlerRun,
  InboxHandlerStats,
  InboxMessageRecord,
} from './interfaces/inbox-dead.interface';

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
  private readonly incoming: IncomingRows;

  constructor(
    @Inject(RESOLVED_INBOX_OPTIONS) private readonly options: ResolvedInboxOptions,
    private readonly store: InboxStore,
    private readonly registry: InboxRegistry,
    private readonly dispatcher: InboxDispatcher,
    private readonly metrics: InboxMetrics,
    private readonly registrar: InboxHandlerRegistrar,
    private readonly dead: InboxDeadStore,
  ) {
    this.incoming = new IncomingRows(options, registry);
  }

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
    const rows = this.incoming.toRows(messages);
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

  /**
   * One page of dead handler runs with their messages, the oldest death first. Pass
   * `nextCursor` back as `cursor` until it is null; every page costs about the same,
   * however deep.
   *
   * @throws InvalidCursorError for a cursor this list did not return
   * @throws InvalidFilterError for an unknown field, a value of the wrong type, or a limit outside 1..1000
   */
  async pageDead(query: DeadInboxQuery = {}): Promise<DeadInboxPage> {
    return this.dead.page(checkDeadInboxQuery(query));
  }

  /**
   * Runs the given dead (or failed) runs again from attempt 0, due now, in one
   * statement; the messages' other handlers are untouched. Returns the runs replayed
   * and wakes the dispatchers. Only processes that register a handler run it.
   *
   * @throws InvalidFilterError when `runs` is not a list of `{ messageId, handlerKey }` strings
   */
  async replayMany(runs: InboxHandlerRun[]): Promise<InboxHandlerRun[]> {
    const replayed = await this.dead.replayRuns(checkHandlerRuns('InboxService.replayMany', runs));
    if (replayed.length > 0) await this.wakeDispatchers();
    return replayed;
  }

  /**
   * Replays every run matching `filter` that is dead when the call starts (`{}`: all of
   * them), in statements of at most 1,000 runs. Returns how many; wakes the dispatchers.
   *
   * @throws InvalidFilterError for an unknown field or a value of the wrong type
   */
  async replayMatching(filter: DeadInboxFilter): Promise<number> {
    const replayed = await this.dead.eachDeadBatch('replay', checkDeadInboxFilter(filter));
    if (replayed > 0) await this.wakeDispatchers();
    return replayed;
  }

  /**
   * Deletes the given runs if they are dead; returns those deleted. The message stays
   * (a redelivery of it is still a duplicate) until retention removes it.
   *
   * @throws InvalidFilterError when `runs` is not a list of `{ messageId, handlerKey }` strings
   */
  async purgeDead(runs: InboxHandlerRun[]): Promise<InboxHandlerRun[]> {
    return this.dead.purgeRuns(checkHandlerRuns('InboxService.purgeDead', runs));
  }

  /**
   * Deletes every run matching `filter` that is dead when the call starts, in statements
   * of at most 1,000 runs; their messages stay until retention. Returns how many.
   *
   * @throws InvalidFilterError for an unknown field or a value of the wrong type
   */
  async purgeDeadMatching(filter: DeadInboxFilter): Promise<number> {
    return this.dead.eachDeadBatch('purge', checkDeadInboxFilter(filter));
  }

  /**
   * Unfinished runs per (event type, handler key): every pair with such runs, and every
   * handler this process registered (with zeros when it has none), sorted.
   */
  async handlerStats(): Promise<InboxHandlerStats[]> {
    const stats = new Map(
      (await this.dead.handlerStats()).map((s) => [`${s.eventType}\n${s.handlerKey}`, s]),
    );
    for (const { eventType, handlerKey } of this.registry.all()) {
      const key = `${eventType}\n${handlerKey}`;
      if (!stats.has(key))
        stats.set(key, { eventType, handlerKey, pending: 0, running: 0, failedWaiting: 0, dead: 0 });
    }
    return [...stats.values()].sort(
      (a, b) => compare(a.eventType, b.eventType) || compare(a.handlerKey, b.handlerKey),
    );
  }

  /** The message as stored, with each handler run's state; null for an id not (or no longer) stored. */
  async findMessage(id: string): Promise<InboxMessageRecord | null> {
    const storable = typeof id === 'string' && id.length > 0 && id.length <= 255 && !id.includes('\u0000');
    return storable ? this.dead.findMessage(id) : null;
  }

  /** This process's dispatcher at once, the others through NOTIFY. */
  private async wakeDispatchers(): Promise<void> {
    this.dispatcher.wake();
    await this.dead.notify(this.options.notifyChannel);
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
