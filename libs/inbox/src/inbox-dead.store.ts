import type { Pool, QueryResultRow } from 'pg';
import { SqlParameters } from '@courier-nest/core/internal';
import type {
  DeadInboxEntry,
  DeadInboxPage,
  InboxHandlerRun,
  InboxHandlerStats,
  InboxMessageRecord,
} from './interfaces/inbox-dead.interface';
import { DEAD_BATCH, InboxDeadSql } from './inbox-dead.sql';
import {
  deadInboxConditions,
  deadInboxCursor,
  type CheckedDeadInboxFilter,
  type CheckedDeadInboxQuery,
  type DeadInboxKey,
} from './inbox-dead.query';

/**
 * The SQL of operator tools on the inbox (see `InboxDeadSql`). Bulk actions run as a
 * loop of statements of at most `DEAD_BATCH` runs, each its own transaction, over the
 * runs that were dead when the action started: a replayed run that dies again meanwhile
 * is not replayed again, and no statement holds many locks for long.
 */
export class InboxDeadStore {
  constructor(
    private readonly pool: Pool,
    readonly sql: InboxDeadSql,
  ) {}

  async page({ filter, limit, after }: CheckedDeadInboxQuery): Promise<DeadInboxPage> {
    const params = new SqlParameters();
    // One row more than asked: whether it comes back says if there is a next page.
    const rowLimit = params.add(limit + 1, 'int');
    const { conditions, shape } = deadInboxConditions(filter, after, params);
    const { rows } = await this.run(`dead_page_${shape}`, this.sql.page(conditions, rowLimit), params.values);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toDeadEntry),
      nextCursor: rows.length > limit ? deadInboxCursor(keyOf(last)) : null,
    };
  }

  /** Replays (or deletes) every run matching `filter` that is dead now; returns how many. */
  async eachDeadBatch(action: 'replay' | 'purge', filter: CheckedDeadInboxFilter): Promise<number> {
    const { rows } = await this.run('dead_cutoff', this.sql.cutoff, []);
    const cutoff: string = rows[0].micros;
    let after: DeadInboxKey | null = null;
    let changed = 0;
    for (;;) {
      const params = new SqlParameters();
      const at = params.add(cutoff);
      const { conditions, shape } = deadInboxConditions(filter, after, params);
      const { rows: batch } = await this.run(
        `dead_${action}_${shape}`,
        this.sql.batch(action, conditions, at),
        params.values,
      );
      changed += batch[0].changed;
      if (batch[0].found < DEAD_BATCH) return changed;
      after = keyOf(batch[0]);
    }
  }

  async replayRuns(runs: readonly InboxHandlerRun[]): Promise<InboxHandlerRun[]> {
    return this.changeRuns('replay_runs', this.sql.replayRuns, runs);
  }

  async purgeRuns(runs: readonly InboxHandlerRun[]): Promise<InboxHandlerRun[]> {
    return this.changeRuns('purge_runs', this.sql.purgeRuns, runs);
  }

  async handlerStats(): Promise<InboxHandlerStats[]> {
    const { rows } = await this.run('handler_stats', this.sql.handlerStats, []);
    return rows.map((r) => ({
      eventType: r.event_type,
      handlerKey: r.handler_key,
      pending: r.pending,
      running: r.running,
      failedWaiting: r.failed_waiting,
      dead: r.dead,
    }));
  }

  async findMessage(id: string): Promise<InboxMessageRecord | null> {
    const { rows } = await this.run('find_message', this.sql.findMessage, [id]);
    if (rows.length === 0) return null;
    const m = rows[0];
    return {
      id: m.id,
      eventType: m.event_type,
      messageType: m.message_type,
      payload: m.payload,
      headers: m.headers ?? {},
      occurredAt: m.occurred_at,
      receivedAt: m.received_at,
      handlers: rows
        .filter((r) => r.handler_key !== null)
        .map((r) => ({
          handlerKey: r.handler_key,
          status: r.status,
          attempts: r.attempts,
          maxAttempts: r.max_attempts,
          lastError: r.last_error,
          availableAt: r.available_at,
          updatedAt: r.updated_at,
        })),
    };
  }

  async notify(channel: string): Promise<void> {
    await this.run('dead_notify', this.sql.notify, [channel]);
  }

  /** Runs a statement over (message, handler) pairs; returns the pairs it changed, in the order given. */
  private async changeRuns(
    name: string,
    text: string,
    runs: readonly InboxHandlerRun[],
  ): Promise<InboxHandlerRun[]> {
    if (runs.length === 0) return [];
    const { rows } = await this.run(name, text, [
      runs.map((r) => r.messageId),
      runs.map((r) => r.handlerKey),
    ]);
    const changed = new Set(rows.map((r) => `${r.message_id}\n${r.handler_key}`));
    return runs.filter((r) => changed.has(`${r.messageId}\n${r.handlerKey}`));
  }

  private run(name: string, text: string, values: unknown[]) {
    return this.pool.query<QueryResultRow>({ name: `${this.sql.prefix}_${name}`, text, values });
  }
}

function keyOf(row: QueryResultRow): DeadInboxKey {
  return { deadMicros: row.dead_micros, messageId: row.message_id, handlerKey: row.handler_key };
}

function toDeadEntry(r: QueryResultRow): DeadInboxEntry {
  return {
    messageId: r.message_id,
    eventType: r.event_type,
    handlerKey: r.handler_key,
    messageType: r.message_type,
    payload: r.payload,
    headers: r.headers ?? {},
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    lastError: r.last_error,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    deadAt: r.updated_at,
  };
}
