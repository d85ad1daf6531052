import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { tidRange } from '@courier-nest/core/internal';
import { InboxSql } from './inbox.sql';
import type {
  ClaimedRun,
  ClaimedWork,
  DeadInboxHandler,
  HandlerPairs,
  InboxStats,
  ReceiveClaim,
  ReceivedRows,
  SettledRow,
  StoredIncoming,
  WorkOutcome,
} from './inbox-store.types';

export type * from './inbox-store.types';

type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

/** All SQL of the inbox, as named prepared statements, set-based per batch. */
export class InboxStore {
  constructor(
    private readonly pool: Pool,
    readonly sql: InboxSql,
  ) {}

  /**
   * Stores new messages with their handler rows. The messages at the indexes `claim.of`
   * names get their handler rows claimed by `claim.owner` as they are stored.
   */
  async receive(
    db: Queryable | null,
    messages: readonly StoredIncoming[],
    notifyChannel: string,
    claim?: ReceiveClaim,
  ): Promise<ReceivedRows> {
    // Each message as its fields by position, as InboxSql.receive reads them.
    const batch = messages.map((m, index) => [
      index,
      m.id,
      m.eventType,
      m.type,
      m.payload,
      m.headers,
      // Milliseconds since the epoch: a Date's JSON (its ISO text) was half the cost of
      // encoding the batch, and PostgreSQL parsed that text back.
      m.occurredAt === null ? null : m.occurredAt.getTime(),
      // "key:maxAttempts,…" (a key holds neither ',' nor ':')
      m.handlers.map((h) => `${h.key}:${h.maxAttempts}`).join(','),
      claim?.of.has(index) ?? false,
    ]);
    const { rows } = await this.run(db ?? this.pool, 'receive', this.sql.receive, [
      JSON.stringify(batch),
      notifyChannel,
      claim?.owner ?? null,
      claim?.leaseMs ?? 0,
    ]);
    return receivedRows(messages, rows[0]);
  }

  /** Claims due work among the (eventType, handlerKey) pairs this process can run. */
  async claim(limit: number, owner: string, leaseMs: number, handlers: HandlerPairs): Promise<ClaimedWork[]> {
    const { rows } = await this.run(this.pool, 'claim', this.sql.claim, [
      limit,
      owner,
      leaseMs,
      handlers.pairs,
    ]);
    return rows.map((r) => ({
      messageId: r.message_id,
      handlerKey: r.handler_key,
      rowId: r.row_id,
      attempt: r.attempts,
      leaseToken: String(r.lease_token),
      eventType: r.event_type,
      type: r.message_type,
      payload: r.payload,
      headers: r.headers ?? {},
      occurredAt: r.occurred_at,
      receivedAt: r.received_at,
    }));
  }

  /** Settles outcomes of one claim; rows whose claim is no longer current are left alone. */
  async settle(outcomes: readonly WorkOutcome[], leaseToken: string): Promise<SettledRow[]> {
    if (outcomes.length === 0) return [];
    const settled = (
      await this.run(this.pool, 'settle', this.sql.settle, settleParameters(outcomes, leaseToken))
    ).rows.map(toSettledRow);
    if (settled.length === outcomes.length) return settled;
    // Rows not where their claim found them: by key (their claim may just be lost).
    const found = new Set(settled.map((row) => runKey(row.messageId, row.handlerKey)));
    const missing = outcomes.filter((o) => !found.has(runKey(o.messageId, o.handlerKey)));
    const { rows } = await this.run(this.pool, 'settle_by_key', this.sql.settleByKey, [
      ...outcomeColumns(missing),
      leaseToken,
    ]);
    return [...settled, ...rows.map(toSettledRow)];
  }

  /** Marks one handler done inside the caller's transaction; false if its claim was lost. */
  async markDone(db: Queryable, messageId: string, handlerKey: string, leaseToken: string): Promise<boolean> {
    const result = await this.run(db, 'mark_done', this.sql.markDone, [messageId, handlerKey, leaseToken]);
    return result.rowCount === 1;
  }

  /** Marks dead the runs whose last attempt's lease expired; returns them. */
  async markExhausted(
    handlers: HandlerPairs,
  ): Promise<
    Array<{ messageId: string; handlerKey: string; eventType: string; attempts: number; lastError: string }>
  > {
    const { rows } = await this.run(this.pool, 'mark_exhausted', this.sql.markExhausted, [handlers.pairs]);
    return rows.map((r) => ({
      messageId: r.message_id,
      handlerKey: r.handler_key,
      eventType: r.event_type,
      attempts: r.attempts,
      lastError: r.last_error,
    }));
  }

  /** Extends the leases of claimed runs still carrying their tokens; resolves with the tokens that held one. */
  async renewClaims(runs: readonly ClaimedRun[], leaseMs: number): Promise<Set<string>> {
    if (runs.length === 0) return new Set();
    const { rows } = await this.run(this.pool, 'renew_claims', this.sql.renewClaims, [
      ...claimedRunColumns(runs),
      leaseMs,
    ]);
    return new Set(rows.map((row) => String(row.lease_token)));
  }

  /** Gives back claimed runs still carrying their tokens, due at once and uncounted; resolves with how many. */
  async releaseClaims(runs: readonly ClaimedRun[]): Promise<number> {
    if (runs.length === 0) return 0;
    const result = await this.run(
      this.pool,
      'release_claims',
      this.sql.releaseClaims,
      claimedRunColumns(runs),
    );
    return result.rowCount ?? 0;
  }

  async stats(): Promise<InboxStats> {
    const { rows } = await this.run(this.pool, 'stats', this.sql.stats, []);
    return {
      due: rows[0].due,
      open: rows[0].open,
      dead: rows[0].dead,
      oldestDueAgeMs: Number(rows[0].oldest_due_ms),
    };
  }

  async listDead(
    eventType: string | null,
    handlerKey: string | null,
    limit: number,
  ): Promise<DeadInboxHandler[]> {
    const { rows } = await this.run(this.pool, 'list_dead', this.sql.listDead, [
      eventType,
      handlerKey,
      limit,
    ]);
    return rows.map((r) => ({
      messageId: r.message_id,
      eventType: r.event_type,
      handlerKey: r.handler_key,
      attempts: r.attempts,
      lastError: r.last_error,
      deadAt: r.updated_at,
    }));
  }

  async replay(messageId: string, handlerKey: string): Promise<boolean> {
    return (await this.run(this.pool, 'replay', this.sql.replay, [messageId, handlerKey])).rowCount === 1;
  }

  async purge(messageId: string): Promise<boolean> {
    return (await this.run(this.pool, 'purge', this.sql.purge, [messageId])).rowCount === 1;
  }

  async sweep(windowMs: number, limit: number): Promise<number> {
    return (await this.run(this.pool, 'sweep', this.sql.sweep, [windowMs, limit])).rowCount ?? 0;
  }

  private run(db: Queryable, name: string, text: string, values: unknown[]) {
    return (db as Pool).query<QueryResultRow>({ name: `${this.sql.prefix}_${name}`, text, values });
  }
}

function claimedRunColumns(runs: readonly ClaimedRun[]): unknown[] {
  return [
    runs.map((run) => run.messageId),
    runs.map((run) => run.handlerKey),
    runs.map((run) => run.leaseToken),
  ];
}

/** One (message, handler) pair as a map key: unambiguous, as a handler key holds no newline (see InboxExplorer). */
export function runKey(messageId: string, handlerKey: string): string {
  return `${messageId}\n${handlerKey}`;
}

/** The receive statement's one row: indexes of the new messages, and "n key rowId;…". */
function receivedRows(messages: readonly StoredIncoming[], row: QueryResultRow): ReceivedRows {
  const inserted = new Set<string>();
  const rowIds = new Map<string, Map<string, string>>();
  const receivedAt: Date = row.received_at;
  if (row.inserted === null) return { inserted, receivedAt, leaseToken: null, rowIds };
  for (const n of (row.inserted as string).split(',')) inserted.add(messages[Number(n)].id);
  if (row.handler_rows !== null) {
    for (const entry of (row.handler_rows as string).split(';')) {
      const [n, handlerKey, rowId] = entry.split(' ');
      const id = messages[Number(n)].id;
      let ofMessage = rowIds.get(id);
      if (!ofMessage) rowIds.set(id, (ofMessage = new Map()));
      ofMessage.set(handlerKey, rowId);
    }
  }
  return {
    inserted,
    receivedAt,
    leaseToken: row.lease_token === null ? null : String(row.lease_token),
    rowIds,
  };
}

function toSettledRow(r: QueryResultRow): SettledRow {
  return { messageId: r.message_id, handlerKey: r.handler_key, status: r.status, attempts: r.attempts };
}

/** The parameters of `InboxSql.settle`: rows found by row id, within the blocks those span. */
export function settleParameters(outcomes: readonly WorkOutcome[], leaseToken: string): unknown[] {
  const rowIds = outcomes.map((o) => o.rowId);
  const { first, last } = tidRange(rowIds);
  return [...outcomeColumns(outcomes), leaseToken, rowIds, first, last];
}

/** The settle statements' per-row columns, $1 to $5. */
function outcomeColumns(outcomes: readonly WorkOutcome[]): unknown[] {
  return [
    outcomes.map((o) => o.messageId),
    outcomes.map((o) => o.handlerKey),
    outcomes.map((o) => o.outcome),
    outcomes.map((o) => (o.error === null ? null : o.error.slice(0, 2000))),
    outcomes.map((o) => Math.round(o.delayMs)),
  ];
}
