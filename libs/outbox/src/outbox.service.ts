import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { EntityManager } from 'typeorm';
import { InvalidMessageError, type OutgoingMessage } from '@courier-nest/core';
import { captureTraceContext, FilterChecks } from '@courier-nest/core/internal';
import { OutboxTransactionRequiredError } from './errors/outbox-transaction-required.error';
import { toOutboxRow } from './outbox-message.factory';
import { RESOLVED_OUTBOX_OPTIONS } from './outbox.constants';
import { OutboxMessages } from './outbox.messages';
import type { ResolvedOutboxOptions } from './outbox-options.resolver';
import { OutboxStore, type DeadOutboxMessage, type OutboxRowInput, type OutboxStats } from './outbox.store';
import { OutboxScheduleStore, type ScheduledInsert } from './outbox-schedule.store';
import { OutboxDeadStore } from './outbox-dead.store';
import { checkDeadOutboxFilter, checkDeadOutboxQuery } from './outbox-dead.query';
import type {
  DeadOutboxFilter,
  DeadOutboxPage,
  DeadOutboxQuery,
  OutboxDestinationStats,
  OutboxMessageRecord,
} from './interfaces/outbox-dead.interface';
import { OutboxCommitSubscriber } from './relay/outbox-commit.subscriber';
import { OutboxRelay } from './relay/outbox-relay.service';
import { ScheduledMessagesMover } from './relay/scheduled-messages.mover';
import { WrittenClaim } from './relay/written-claim';
import { OutboxTransactions } from './transaction/outbox-transactions.service';

/**
 * Writes messages to the outbox inside the caller's transaction, and gives operators
 * the dead messages back.
 */
@Injectable()
export class OutboxService {
  constructor(
    @Inject(RESOLVED_OUTBOX_OPTIONS) private readonly options: ResolvedOutboxOptions,
    private readonly store: OutboxStore,
    private readonly transactions: OutboxTransactions,
    private readonly relay: OutboxRelay,
    private readonly commits: OutboxCommitSubscriber,
    private readonly dead: OutboxDeadStore,
    private readonly schedule: OutboxScheduleStore,
    private readonly scheduled: ScheduledMessagesMover,
  ) {}

  /**
   * Writes the messages with one INSERT in the transaction of `manager`: they are
   * published if and only if it commits. Everything is validated first; a bad message
   * throws `InvalidMessageError` and nothing is written. Returns the message ids.
   *
   * Without a manager, joins the ambient transaction of `@Transactional()` /
   * `OutboxTransactions.run`.
   *
   * A message without `traceparent` gets the W3C trace context active here (an HTTP
   * request's span, an inbox handler's), so the consumer's handler continues the same
   * trace. `traceparent: null` opts a message out.
   *
   * A message with `deliverAt` or `delayMs` is published no earlier than that (database
   * clock), within one `relay.pollIntervalMs` after it; see docs/outbox.md#scheduled-delivery.
   *
   * @example
   * await dataSource.transaction(async (manager) => {
   *   await manager.save(order);
   *   await outbox.publish(manager, { destination: 'order_events', type: 'order_created', payload: { orderId: order.id } });
   * });
   */
  publish(manager: EntityManager, ...messages: OutgoingMessage[]): Promise<string[]>;
  publish(...messages: OutgoingMessage[]): Promise<string[]>;
  async publish(first: EntityManager | OutgoingMessage, ...rest: OutgoingMessage[]): Promise<string[]> {
    const [manager, messages] =
      first instanceof EntityManager ? [first, rest] : [this.transactions.currentManager(), [first, ...rest]];
    if (messages.length === 0) throw new InvalidMessageError('messages', OutboxMessages.emptyPublish);
    if (!manager) throw new OutboxTransactionRequiredError(OutboxMessages.noAmbientTransaction);
    messages.forEach((m, i) => {
      if (typeof m !== 'object' || m === null)
        throw new InvalidMessageError('messages', OutboxMessages.notAMessage(i + 1));
    });
    // One look at the active context per call: every message of it was written there.
    const activeTrace = messages.some((m) => m.traceparent === undefined) ? captureTraceContext() : null;
    const rows = messages.map((message) => toOutboxRow(message, this.options, activeTrace));
    const notifyChannel = this.options.notify ? this.options.notifyChannel : null;
    const keys =
      this.options.ordering === 'per-key' ? rows.flatMap((r) => (r.key === null ? [] : [r.key])) : [];

    const queryRunner = manager.queryRunner;
    const inTransaction = queryRunner?.isTransactionActive ?? false;
    if (!inTransaction && this.options.requireTransaction)
      throw new OutboxTransactionRequiredError(OutboxMessages.transactionRequired);
    const client = inTransaction ? await queryRunner!.connect() : null;
    const claimed =
      inTransaction && !this.commits.followsQueries(queryRunner!)
        ? null
        : await this.insertClaimed(client, rows);
    if (claimed) {
      if (inTransaction) this.commits.trackClaimed(queryRunner!, claimed);
      else claimed.committed();
      return rows.map((r) => r.id);
    }
    if (client) await this.store.lockKeys(client, keys);
    // Autocommit: the advisory locks would end with the statement, so per-key order
    // across concurrent autocommit writers of one key rests on the sequence alone.
    const { seqs, nextDueInMs } = await this.insert(client, rows, notifyChannel);
    if (inTransaction) this.commits.track(queryRunner!, seqs, nextDueInMs);
    else {
      if (seqs.length > 0) this.relay.wake(seqs);
      if (nextDueInMs !== null) this.scheduled.offer(nextDueInMs);
    }
    return rows.map((r) => r.id);
  }

  /**
   * Writes the rows already claimed by this process's relay when it has room for all of
   * them (unordered, none scheduled): it publishes them as soon as they commit, with no
   * claim query and no NOTIFY. Null when it took none; they are then written due.
   */
  private async insertClaimed(
    client: PoolClient | null,
    rows: OutboxRowInput[],
  ): Promise<WrittenClaim | null> {
    if (rows.some((r) => r.deliverAt != null || r.delayMs != null)) return null;
    const reservation = this.relay.reserve(rows.length);
    if (!reservation) return null;
    if (reservation.rows < rows.length) {
      reservation.cancel();
      return null;
    }
    try {
      const { processorId } = this.options.relay;
      return new WrittenClaim(
        reservation,
        await this.store.insertClaimed(client, rows, processorId, reservation.leaseMs),
      );
    } catch (error) {
      reservation.cancel();
      throw error;
    }
  }

  /** Messages without a schedule take the plain INSERT, as if scheduling did not exist. */
  private async insert(
    client: PoolClient | null,
    rows: OutboxRowInput[],
    notifyChannel: string | null,
  ): Promise<ScheduledInsert> {
    if (rows.some((r) => r.deliverAt != null || r.delayMs != null))
      return this.schedule.insert(client, rows, notifyChannel);
    return { seqs: await this.store.insert(client, rows, notifyChannel), nextDueInMs: null };
  }

  /** Backlog figures for health and metrics. */
  stats(): Promise<OutboxStats> {
    return this.store.stats();
  }

  /** Dead messages, oldest first. */
  listDead(filter: { destination?: string; limit?: number } = {}): Promise<DeadOutboxMessage[]> {
    return this.store.listDead(filter.destination ?? null, filter.limit ?? 100);
  }

  /**
   * Puts dead messages back in line with a fresh attempt count: the given ids, or all
   * dead ones. Returns the ids requeued.
   */
  async requeueDead(ids?: string[]): Promise<string[]> {
    const requeued = await this.store.requeueDead(ids ?? null);
    if (requeued.length > 0) this.relay.wake();
    return requeued;
  }

  /**
   * One page of dead messages, oldest first (write order), as stored. Pass `nextCursor`
   * back as `cursor` until it is null; every page costs about the same, however deep.
   *
   * @throws InvalidCursorError for a cursor this list did not return
   * @throws InvalidFilterError for an unknown field, a value of the wrong type, or a limit outside 1..1000
   * @example
   * let page = await outbox.pageDead({ destination: 'order_events', limit: 50 });
   * while (page.nextCursor) page = await outbox.pageDead({ destination: 'order_events', cursor: page.nextCursor });
   */
  async pageDead(query: DeadOutboxQuery = {}): Promise<DeadOutboxPage> {
    return this.dead.page(checkDeadOutboxQuery(query));
  }

  /**
   * Requeues, with a fresh attempt count, every message matching `filter` that is dead
   * when the call starts (`{}`: all of them), in statements of at most 1,000 rows.
   * Returns how many; wakes the relays when there are any.
   *
   * @throws InvalidFilterError for an unknown field or a value of the wrong type
   */
  async requeueDeadMatching(filter: DeadOutboxFilter): Promise<number> {
    const requeued = await this.dead.eachDeadBatch('requeue', checkDeadOutboxFilter(filter));
    if (requeued > 0) await this.wakeRelays();
    return requeued;
  }

  /**
   * Deletes the given messages if they are dead (others, and ids that are not UUIDs,
   * are left alone). Returns the ids deleted.
   */
  async purgeDead(ids: string[]): Promise<string[]> {
    const list = FilterChecks.array<unknown>('OutboxService.purgeDead', 'ids', ids);
    return this.dead.purgeIds(list.filter((id): id is string => typeof id === 'string' && UUID.test(id)));
  }

  /**
   * Deletes every message matching `filter` that is dead when the call starts, in
   * statements of at most 1,000 rows. Returns how many.
   *
   * @throws InvalidFilterError for an unknown field or a value of the wrong type
   */
  async purgeDeadMatching(filter: DeadOutboxFilter): Promise<number> {
    return this.dead.eachDeadBatch('purge', checkDeadOutboxFilter(filter));
  }

  /** Per destination: messages not dead, the age of the oldest of them, and dead ones. */
  async destinationStats(): Promise<OutboxDestinationStats[]> {
    return this.dead.destinationStats();
  }

  /** A message still in the outbox (pending, leased, retrying or dead), or null: unknown, or published. */
  async findMessage(id: string): Promise<OutboxMessageRecord | null> {
    return typeof id === 'string' && UUID.test(id) ? this.dead.findMessage(id) : null;
  }

  /** This process's relay at once, the others through NOTIFY when it is on. */
  private async wakeRelays(): Promise<void> {
    this.relay.wake();
    if (this.options.notify) await this.store.notify(this.options.notifyChannel);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
