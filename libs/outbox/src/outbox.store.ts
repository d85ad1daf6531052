import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { MessageSchedule } from '@courier-nest/core/internal';
import type { OutboxDelivery } from '@courier-nest/core';
import { OutboxSql } from './outbox.sql';
import {
  compareSeq,
  deleteConfirmedParameters,
  tokensOf,
  type ConfirmedRow,
  deliveryOf,
  outboxRowColumns,
  toClaimedRow,
} from './outbox-store.rows';

export { deleteConfirmedParameters, outboxRowColumns, type ConfirmedRow } from './outbox-store.rows';

/** A row the relay holds a lease on, ready to publish. */
export interface ClaimedRow extends OutboxDelivery {
  seq: string;
  /** Where the claimed row is (its ctid), to settle it without a search. */
  rowId: string;
  attempts: number;
  leaseToken: string;
  /** ms from the row's write to its claim, read from the database clock. */
  ageMs: number;
}

export interface OutboxStats {
  /** Messages not dead that are due: waiting, leased, backing off (scheduled ones once their time came). */
  pending: number;
  dead: number;
  retrying: number;
  /** Age of the oldest pending message: from its write, or from its due time if it was scheduled. */
  oldestPendingAgeMs: number;
  /** Scheduled messages whose time has not come yet. */
  scheduled: number;
}

export interface DeadOutboxMessage {
  id: string;
  destination: string;
  type: string;
  key: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deadAt: Date;
}

/** The row a `publish` call writes, with when it asked to be published (absent or null: once committed). */
export interface OutboxRowInput extends OutboxDelivery, Partial<MessageSchedule> {}

type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

/**
 * All SQL of the outbox, as named prepared statements (parse once per connection,
 * then bind). Set-based: one statement per batch, never one per row.
 */
export class OutboxStore {
  constructor(
    private readonly pool: Pool,
    readonly sql: OutboxSql,
  ) {}

  /** Writes rows on `client` (the caller's transaction), or on the pool when `client` is null. */
  async insert(
    client: Queryable | null,
    rows: readonly OutboxRowInput[],
    notifyChannel: string | null,
  ): Promise<string[]> {
    const db = client ?? this.pool;
    const values = outboxRowColumns(rows);
    const { rows: inserted } = notifyChannel
      ? await this.run(db, 'insert_notify', this.sql.insertWithNotify, [...values, notifyChannel])
      : await this.run(db, 'insert', this.sql.insert, values);
    return inserted.map((r) => String(r.seq));
  }

  /**
   * Writes rows already claimed by the local relay (`owner`, for `leaseMs`, one fresh
   * token), on `client` or on the pool; returns them as claimed rows, `ageMs` 0.
   */
  async insertClaimed(
    client: Queryable | null,
    rows: readonly OutboxRowInput[],
    owner: string,
    leaseMs: number,
  ): Promise<ClaimedRow[]> {
    const values = [...outboxRowColumns(rows), owner, leaseMs];
    const { rows: inserted } = await this.run(
      client ?? this.pool,
      'insert_claimed',
      this.sql.insertClaimed,
      values,
    );
    return inserted.map((r, i) => ({
      ...deliveryOf(rows[i]),
      seq: String(r.seq),
      rowId: r.row_id,
      attempts: 0,
      leaseToken: String(r.lease_token),
      ageMs: 0,
    }));
  }

  async lockKeys(client: Queryable, keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.run(client, 'lock_keys', this.sql.lockKeys, [keys]);
  }

  /**
   * Claims up to `limit` due rows: the given committed `seqs` when there are any (a
   * primary-key lookup), else the oldest due rows (per key: only each key's head).
   */
  async claim(
    limit: number,
    owner: string,
    leaseMs: number,
    perKey: boolean,
    seqs: readonly string[] = [],
  ): Promise<ClaimedRow[]> {
    const { rows } =
      seqs.length > 0
        ? await this.run(this.pool, 'claim_committed', this.sql.claimCommitted, [limit, owner, leaseMs, seqs])
        : perKey
          ? await this.run(this.pool, 'claim_per_key', this.sql.claimPerKey, [limit, owner, leaseMs])
          : await this.run(this.pool, 'claim', this.sql.claimUnordered, [limit, owner, leaseMs]);
    // UPDATE … RETURNING does not keep the sub-select's order; publish in write order.
    return rows.map(toClaimedRow).sort((a, b) => compareSeq(a.seq, b.seq));
  }

  /** Deletes confirmed rows that still carry their claims' tokens; resolves with the seqs it deleted. */
  async deleteConfirmed(rows: readonly ConfirmedRow[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const params = deleteConfirmedParameters(rows);
    // Unnamed, so planned for its own arrays each time: PostgreSQL looks an `= ANY` of a
    // constant array up in a hash table, but a named statement runs a generic plan after
    // its fifth use, which compares each row with each element (three times slower at
    // 1,000 rows, and worse while the server is busy).
    const { rows: deleted } = await (this.pool as Pool).query<QueryResultRow>(
      this.sql.deleteConfirmed,
      params,
    );
    if (deleted.length === rows.length) return deleted.map((r) => String(r.seq));
    // Some rows were not where the claim found them (moved, or re-claimed): by seq.
    const found = new Set(deleted.map((r) => String(r.seq)));
    const rest = rows.filter((row) => !found.has(row.seq));
    const { rows: bySeq } = await this.run(
      this.pool,
      'delete_confirmed_by_seq',
      this.sql.deleteConfirmedBySeq,
      [rest.map((row) => row.seq), tokensOf(rest)],
    );
    return [...found, ...bySeq.map((r) => String(r.seq))];
  }

  /** Records failed attempts; returns the seqs that became dead and how many rows it settled. */
  async markFailed(
    failures: ReadonlyArray<{ seq: string; error: string; delayMs: number }>,
    leaseToken: string,
    maxAttempts: number,
  ): Promise<{ settled: number; dead: string[] }> {
    if (failures.length === 0) return { settled: 0, dead: [] };
    const { rows } = await this.run(this.pool, 'mark_failed', this.sql.markFailed, [
      failures.map((f) => f.seq),
      leaseToken,
      maxAttempts,
      failures.map((f) => f.error.slice(0, 2000)),
      failures.map((f) => Math.round(f.delayMs)),
    ]);
    return { settled: rows.length, dead: rows.filter((r) => r.dead).map((r) => String(r.seq)) };
  }

  async release(
    seqs: readonly string[],
    leaseToken: string,
    reason: string,
    delayMs: number,
  ): Promise<number> {
    if (seqs.length === 0) return 0;
    const result = await this.run(this.pool, 'release', this.sql.release, [
      seqs,
      leaseToken,
      reason.slice(0, 2000),
      delayMs,
    ]);
    return result.rowCount ?? 0;
  }

  /** Extends the leases of claimed rows still carrying their tokens; resolves with the tokens that held one. */
  async renewClaims(
    rows: ReadonlyArray<{ seq: string; leaseToken: string }>,
    leaseMs: number,
  ): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const { rows: renewed } = await this.run(this.pool, 'renew_claims', this.sql.renewClaims, [
      rows.map((row) => row.seq),
      tokensOf(rows),
      leaseMs,
    ]);
    return new Set(renewed.map((row) => String(row.lease_token)));
  }

  /** Gives back claimed rows still carrying their tokens, due at once; resolves with how many. */
  async releaseClaims(rows: ReadonlyArray<{ seq: string; leaseToken: string }>): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await this.run(this.pool, 'release_claims', this.sql.releaseClaims, [
      rows.map((row) => row.seq),
      rows.map((row) => row.leaseToken),
    ]);
    return result.rowCount ?? 0;
  }

  async stats(): Promise<OutboxStats> {
    const { rows } = await this.run(this.pool, 'stats', this.sql.stats, []);
    const row = rows[0];
    return {
      pending: row.pending,
      dead: row.dead,
      retrying: row.retrying,
      oldestPendingAgeMs: Math.max(0, Number(row.oldest_pending_age_ms)),
      scheduled: row.scheduled,
    };
  }

  async listDead(destination: string | null, limit: number): Promise<DeadOutboxMessage[]> {
    const { rows } = await this.run(this.pool, 'list_dead', this.sql.listDead, [destination, limit]);
    return rows.map((r) => ({
      id: r.id,
      destination: r.destination,
      type: r.type,
      key: r.key,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      deadAt: r.dead_at,
    }));
  }

  async requeueDead(ids: readonly string[] | null): Promise<string[]> {
    const { rows } = await this.run(this.pool, 'requeue_dead', this.sql.requeueDead, [ids]);
    return rows.map((r) => r.id);
  }

  async notify(channel: string): Promise<void> {
    await this.run(this.pool, 'notify', this.sql.notify, [channel]);
  }

  /** A dedicated connection, e.g. for LISTEN; release it with `release(err?)`. */
  connect(): Promise<PoolClient> {
    return this.pool.connect();
  }

  private run(db: Queryable, name: string, text: string, values: unknown[]) {
    return (db as Pool).query<QueryResultRow>({ name: `${this.sql.prefix}_${name}`, text, values });
  }
}
