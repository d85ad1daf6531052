import {
  epochMicrosSql,
  quoteIdentifier,
  statementPrefix,
  timestamptzOfMicrosSql,
  unseenLimit,
} from '@courier-nest/core/internal';

/** Rows per statement of a bulk action: no statement holds many row locks for long. */
export const DEAD_BATCH = 1000;

const COLUMNS = `seq, id, destination, type, key, payload, headers, correlation_id, causation_id, traceparent, tracestate,
  source, attempts, last_error, occurred_at, created_at`;
/** The same of a scheduled message, which has not been tried yet. */
const SCHEDULED_COLUMNS = `seq, id, destination, type, key, payload, headers, correlation_id, causation_id, traceparent,
  tracestate, source, 0 AS attempts, NULL AS last_error, occurred_at, created_at`;

/**
 * The outbox statements of operator tools: dead-message pages, bulk requeue and purge,
 * per-destination figures and one message by id. A list statement's WHERE depends on
 * which filter fields are set (see `deadOutboxConditions`); each such shape is prepared
 * under its own name.
 *
 * Pages are keyset pages over `seq`: `seq > <last seq of the page before>` walks the
 * partial index `outbox_messages_dead_seq` (or `outbox_messages_dead_destination` for
 * one destination) from that point, so any page reads about `limit` index entries, the
 * last of 100,000 as cheaply as the first.
 */
export class OutboxDeadSql {
  readonly prefix: string;
  readonly cutoff = `SELECT ${epochMicrosSql('now()')} AS micros`;
  readonly purgeIds: string;
  readonly destinationStats: string;
  readonly findMessage: string;
  private readonly table: string;

  constructor(readonly schema: string) {
    this.table = `${quoteIdentifier(schema, 'schema')}.outbox_messages`;
    this.prefix = statementPrefix('outbox', schema);
    // The (id) partial index of dead rows finds them; live rows are never touched.
    this.purgeIds = `DELETE FROM ${this.table} WHERE id = ANY($1::uuid[]) AND dead_at IS NOT NULL RETURNING id`;
    const scheduled = `${quoteIdentifier(schema, 'schema')}.outbox_scheduled_messages`;
    // Reads the whole tables, as `stats` does: the outbox holds only unpublished rows.
    // A scheduled message is pending (aged from its due time) once due, `scheduled` before.
    this.destinationStats = `SELECT destination,
        sum(pending)::int AS pending, sum(dead)::int AS dead, sum(scheduled)::int AS scheduled,
        coalesce(extract(epoch FROM clock_timestamp() - min(oldest)) * 1000, 0)::float8 AS oldest_pending_age_ms
      FROM (SELECT destination, count(*) FILTER (WHERE dead_at IS NULL) AS pending,
              count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead, 0 AS scheduled,
              min(created_at) FILTER (WHERE dead_at IS NULL) AS oldest
            FROM ${this.table} GROUP BY destination
            UNION ALL
            SELECT destination, count(*) FILTER (WHERE deliver_at <= now()), 0, count(*) FILTER (WHERE deliver_at > now()),
              min(deliver_at) FILTER (WHERE deliver_at <= now())
            FROM ${scheduled} GROUP BY destination) AS counted
      GROUP BY destination ORDER BY destination`;
    // Live rows have no index on id (writes are the hot path, lookups by id are rare):
    // this reads the table, which holds only what is not yet published. Scheduled
    // messages, which may be many, are found by their own index on id.
    this.findMessage = `SELECT ${COLUMNS}, dead_at,
        CASE WHEN dead_at IS NOT NULL THEN 'dead'
             WHEN lease_owner IS NOT NULL AND available_at > now() THEN 'leased'
             WHEN attempts > 0 THEN 'retrying'
             ELSE 'pending' END AS state,
        CASE WHEN dead_at IS NULL THEN available_at END AS available_at
      FROM ${this.table} WHERE id = $1::uuid
      UNION ALL
      SELECT ${SCHEDULED_COLUMNS}, NULL, 'scheduled', deliver_at
      FROM ${scheduled} WHERE id = $1::uuid
      ORDER BY seq LIMIT 1`;
  }

  /** One page: dead rows after `afterSeq` in seq order, `limit` of them (pass one more to learn if a next page exists). */
  page(conditions: readonly string[], afterSeq: string, limit: string): string {
    return `SELECT ${COLUMNS}, dead_at FROM ${this.table}
      WHERE dead_at IS NOT NULL AND seq > ${afterSeq}${and(conditions)}
      ORDER BY seq ${unseenLimit(limit)}`;
  }

  /**
   * One batch of a bulk action: the next `DEAD_BATCH` matching rows after `afterSeq` that
   * were dead at the cut-off (microseconds, see `cutoff`), requeued or deleted. Answers
   * how many rows the batch found, the last seq found and how many it changed; a row
   * that changed meanwhile (requeued by someone else) is re-checked and left alone.
   */
  batch(
    action: 'requeue' | 'purge',
    conditions: readonly string[],
    afterSeq: string,
    cutoff: string,
  ): string {
    const deadAtStart = (column: string) =>
      `${column} IS NOT NULL AND ${column} <= ${timestamptzOfMicrosSql(cutoff)}`;
    const change =
      action === 'requeue'
        ? `UPDATE ${this.table} m SET dead_at = NULL, attempts = 0, last_error = NULL, lease_owner = NULL,
             available_at = now()
           FROM batch WHERE m.seq = batch.seq AND ${deadAtStart('m.dead_at')} RETURNING m.seq`
        : `DELETE FROM ${this.table} m USING batch
           WHERE m.seq = batch.seq AND ${deadAtStart('m.dead_at')} RETURNING m.seq`;
    return `WITH batch AS (
        SELECT seq FROM ${this.table}
        WHERE ${deadAtStart('dead_at')} AND seq > ${afterSeq}${and(conditions)}
        ORDER BY seq ${unseenLimit(DEAD_BATCH)}
      ),
      changed AS (${change})
      SELECT (SELECT count(*) FROM batch)::int AS found, (SELECT max(seq) FROM batch)::text AS last_seq,
        (SELECT count(*) FROM changed)::int AS changed`;
  }
}

function and(conditions: readonly string[]): string {
  return conditions.map((condition) => ` AND ${condition}`).join('');
}
