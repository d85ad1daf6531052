import type { Pool, QueryResultRow } from 'pg';
import { SqlParameters } from '@courier-nest/core/internal';
import type {
  DeadOutboxEntry,
  DeadOutboxPage,
  OutboxDestinationStats,
  OutboxMessageRecord,
} from './interfaces/outbox-dead.interface';
import { DEAD_BATCH, OutboxDeadSql } from './outbox-dead.sql';
import {
  deadOutboxConditions,
  deadOutboxCursor,
  type CheckedDeadOutboxFilter,
  type CheckedDeadOutboxQuery,
} from './outbox-dead.query';

/**
 * The SQL of operator tools on the outbox (see `OutboxDeadSql`). Bulk actions run as a
 * loop of statements of at most `DEAD_BATCH` rows, each its own transaction, over the
 * rows that were dead when the action started: a requeued row that dies again meanwhile
 * is not requeued again, and no statement holds many locks for long.
 */
export class OutboxDeadStore {
  constructor(
    private readonly pool: Pool,
    readonly sql: OutboxDeadSql,
  ) {}

  async page({ filter, limit, afterSeq }: CheckedDeadOutboxQuery): Promise<DeadOutboxPage> {
    const params = new SqlParameters();
    const after = params.add(afterSeq, 'bigint');
    // One row more than asked: whether it comes back says if there is a next page.
    const rowLimit = params.add(limit + 1, 'int');
    const { conditions, shape } = deadOutboxConditions(filter, params);
    const { rows } = await this.run(
      `dead_page_${shape}`,
      this.sql.page(conditions, after, rowLimit),
      params.values,
    );
    const items = rows.slice(0, limit);
    return {
      items: items.map(toDeadEntry),
      nextCursor: rows.length > limit ? deadOutboxCursor(String(items[items.length - 1].seq)) : null,
    };
  }

  /** Requeues (or deletes) every row matching `filter` that is dead now; returns how many. */
  async eachDeadBatch(action: 'requeue' | 'purge', filter: CheckedDeadOutboxFilter): Promise<number> {
    const { rows } = await this.run('dead_cutoff', this.sql.cutoff, []);
    const cutoff: string = rows[0].micros;
    let afterSeq = '0';
    let changed = 0;
    for (;;) {
      const params = new SqlParameters();
      const after = params.add(afterSeq, 'bigint');
      const at = params.add(cutoff);
      const { conditions, shape } = deadOutboxConditions(filter, params);
      const { rows: batch } = await this.run(
        `dead_${action}_${shape}`,
        this.sql.batch(action, conditions, after, at),
        params.values,
      );
      changed += batch[0].changed;
      if (batch[0].found < DEAD_BATCH) return changed;
      afterSeq = batch[0].last_seq;
    }
  }

  async purgeIds(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.run('dead_purge_ids', this.sql.purgeIds, [ids]);
    return rows.map((r) => r.id);
  }

  async destinationStats(): Promise<OutboxDestinationStats[]> {
    const { rows } = await this.run('destination_stats', this.sql.destinationStats, []);
    return rows.map((r) => ({
      destination: r.destination,
      pending: r.pending,
      oldestPendingAgeMs: Math.max(0, Number(r.oldest_pending_age_ms)),
      dead: r.dead,
      scheduled: r.scheduled,
    }));
  }

  async findMessage(id: string): Promise<OutboxMessageRecord | null> {
    const { rows } = await this.run('find_message', this.sql.findMessage, [id]);
    if (rows.length === 0) return null;
    const { deadAt, ...entry } = toDeadEntry(rows[0]);
    return { ...entry, state: rows[0].state, availableAt: rows[0].available_at, deadAt };
  }

  private run(name: string, text: string, values: unknown[]) {
    return this.pool.query<QueryResultRow>({ name: `${this.sql.prefix}_${name}`, text, values });
  }
}

function toDeadEntry(r: QueryResultRow): DeadOutboxEntry {
  return {
    id: r.id,
    destination: r.destination,
    type: r.type,
    key: r.key,
    payload: r.payload,
    headers: r.headers ?? {},
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    traceparent: r.traceparent,
    tracestate: r.tracestate,
    source: r.source,
    attempts: r.attempts,
    lastError: r.last_error,
    occurredAt: r.occurred_at,
    createdAt: r.created_at,
    deadAt: r.dead_at,
  };
}
