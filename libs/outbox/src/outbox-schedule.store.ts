import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { OutboxScheduleSql } from './outbox-schedule.sql';
import type { OutboxSql } from './outbox.sql';
import { outboxRowColumns, type OutboxRowInput } from './outbox.store';

type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

/** What `insert` wrote: the seqs of the messages due now, and when the soonest of the others is due. */
export interface ScheduledInsert {
  seqs: string[];
  /** ms from the INSERT to the soonest due time of the messages that wait; null when none waits. */
  nextDueInMs: number | null;
}

/** Where the scheduled messages stand, by the database clock. */
export interface ScheduleState {
  /** Some message is due and still waits to be moved. */
  overdue: boolean;
  /** ms until the soonest message not yet due is; null when none waits. */
  nextDueInMs: number | null;
}

/**
 * The SQL of scheduled delivery (see `OutboxScheduleSql`), as named prepared statements
 * beside those of `OutboxStore`, whose key locks and NOTIFY the move shares.
 */
export class OutboxScheduleStore {
  constructor(
    private readonly pool: Pool,
    readonly sql: OutboxScheduleSql,
    private readonly outboxSql: OutboxSql,
  ) {}

  /** `OutboxStore.insert` for calls with scheduled messages: one statement, due ones where they always go. */
  async insert(
    client: Queryable | null,
    rows: readonly OutboxRowInput[],
    notifyChannel: string | null,
  ): Promise<ScheduledInsert> {
    const values: unknown[] = [
      ...outboxRowColumns(rows),
      rows.map((r) => r.deliverAt?.toISOString() ?? null),
      rows.map((r) => r.delayMs ?? null),
    ];
    const { rows: written } = notifyChannel
      ? await this.run(client ?? this.pool, 'insert_scheduled_notify', this.sql.insertWithNotify, [
          ...values,
          notifyChannel,
        ])
      : await this.run(client ?? this.pool, 'insert_scheduled', this.sql.insert, values);
    const summary = written.find((r) => r.seq === null);
    return {
      seqs: written.filter((r) => r.seq !== null).map((r) => String(r.seq)),
      nextDueInMs: summary?.due_in_ms == null ? null : Number(summary.due_in_ms),
    };
  }

  async state(): Promise<ScheduleState> {
    const { rows } = await this.run(this.pool, 'schedule_state', this.sql.state, []);
    const next = rows[0].next_due_in_ms;
    return { overdue: rows[0].overdue, nextDueInMs: next === null ? null : Number(next) };
  }

  /**
   * Moves up to `limit` due messages into `outbox_messages`, in one transaction, and
   * returns their new seqs. With `lockKeys` it first takes the per-key write locks of
   * `publish`, so a moved message and a message of its key written at the same moment
   * commit in the order of their seqs. `notifyChannel` wakes the relays of every process.
   */
  async moveDue(limit: number, lockKeys: boolean, notifyChannel: string | null): Promise<string[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: due } = await this.run(client, 'lock_due', this.sql.lockDue, [limit]);
      let moved: string[] = [];
      if (due.length > 0) {
        const keys = lockKeys ? due.flatMap((r) => (r.key === null ? [] : [r.key as string])) : [];
        if (keys.length > 0) await this.run(client, 'lock_keys', this.outboxSql.lockKeys, [keys]);
        const result = await this.run(client, 'move_due', this.sql.move, [due.map((r) => String(r.seq))]);
        moved = result.rows.map((r) => String(r.seq));
        if (notifyChannel) await this.run(client, 'notify', this.outboxSql.notify, [notifyChannel]);
      }
      await client.query('COMMIT');
      client.release();
      return moved;
    } catch (error) {
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      // A connection whose transaction could not be ended is not given back to the pool.
      client.release(rolledBack ? undefined : (error as Error));
      throw error;
    }
  }

  private run(db: Queryable, name: string, text: string, values: unknown[]) {
    return (db as Pool).query<QueryResultRow>({ name: `${this.outboxSql.prefix}_${name}`, text, values });
  }
}
