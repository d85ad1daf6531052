import {
  epochMicrosSql,
  quoteIdentifier,
  statementPrefix,
  timestamptzOfMicrosSql,
  unseenLimit,
} from '@courier-nest/core/internal';

/** Rows per statement of a bulk action: no statement holds many row locks for long. */
export const DEAD_BATCH = 1000;

const ORDER = 'st.updated_at, st.message_id, st.handler_key';
/** What a replay sets: pending, due now, from attempt 0, no claim (as `InboxSql.replay`). */
const REPLAYED = `status = 'pending', attempts = 0, last_error = NULL, available_at = now(),
  lease_owner = NULL, lease_token = NULL, updated_at = now()`;

/**
 * The inbox statements of operator tools: pages of dead handler runs, replay and purge
 * of runs (listed or matching a filter), per-handler figures and one message by id. A
 * list statement's WHERE depends on which filter fields are set (see
 * `deadInboxConditions`); each such shape is prepared under its own name.
 *
 * Pages are keyset pages in the order (`updated_at`, `message_id`, `handler_key`): a
 * dead run's `updated_at` is when it died. The partial indexes of schema version 2 hold
 * dead runs only in that order (`inbox_handler_states_dead_page`), by handler key
 * (`inbox_handler_states_dead_handler`) and by event type
 * (`inbox_handler_states_dead_event`), so any page reads about `limit` entries.
 */
export class InboxDeadSql {
  readonly prefix: string;
  readonly cutoff = `SELECT ${epochMicrosSql('now()')} AS micros`;
  readonly notify = `SELECT pg_notify($1, '')`;
  readonly replayRuns: string;
  readonly purgeRuns: string;
  readonly handlerStats: string;
  readonly findMessage: string;
  private readonly states: string;
  private readonly messages: string;

  constructor(readonly schema: string) {
    const s = quoteIdentifier(schema, 'schema');
    this.states = `${s}.inbox_handler_states`;
    this.messages = `${s}.inbox_messages`;
    this.prefix = statementPrefix('inbox', schema);
    const runs = `unnest($1::text[], $2::text[]) AS r(message_id, handler_key)`;
    // Failed runs too, as `replay` does: a failed run then runs now instead of after its backoff.
    this.replayRuns = `UPDATE ${this.states} st SET ${REPLAYED} FROM ${runs}
      WHERE st.message_id = r.message_id AND st.handler_key = r.handler_key AND st.status IN ('dead', 'failed')
      RETURNING st.message_id, st.handler_key`;
    // The message row stays: it is the dedup record until retention removes it.
    this.purgeRuns = `DELETE FROM ${this.states} st USING ${runs}
      WHERE st.message_id = r.message_id AND st.handler_key = r.handler_key AND st.status = 'dead'
      RETURNING st.message_id, st.handler_key`;
    // Two parts, each within a partial index (due, dead): done rows, most of the table
    // until retention erases them, are never read.
    this.handlerStats = `SELECT event_type, handler_key,
        count(*) FILTER (WHERE status = 'pending')::int AS pending,
        count(*) FILTER (WHERE status = 'progress')::int AS running,
        count(*) FILTER (WHERE status = 'failed')::int AS failed_waiting,
        count(*) FILTER (WHERE status = 'dead')::int AS dead
      FROM (
        SELECT event_type, handler_key, status FROM ${this.states} WHERE status IN ('pending', 'progress', 'failed')
        UNION ALL
        SELECT event_type, handler_key, status FROM ${this.states} WHERE status = 'dead'
      ) unfinished
      GROUP BY event_type, handler_key ORDER BY event_type, handler_key`;
    this.findMessage = `SELECT m.id, m.event_type, m.message_type, m.payload, m.headers, m.occurred_at, m.received_at,
        st.handler_key, st.status, st.attempts, st.max_attempts, st.last_error, st.available_at, st.updated_at
      FROM ${this.messages} m LEFT JOIN ${this.states} st ON st.message_id = m.id
      WHERE m.id = $1 ORDER BY st.handler_key`;
  }

  /**
   * One page of dead runs matching `conditions`, in list order, `limit` of them. The runs
   * are found first, then each one's message by its id: a lookup per run of the page
   * (LATERAL … LIMIT 1 keeps it one), never a join that could read the messages table.
   */
  page(conditions: readonly string[], limit: string): string {
    return `SELECT d.message_id, d.handler_key, d.event_type, d.attempts, d.max_attempts, d.last_error,
        d.updated_at, ${epochMicrosSql('d.updated_at')} AS dead_micros,
        m.message_type, m.payload, m.headers, m.occurred_at, m.received_at
      FROM (
        SELECT st.message_id, st.handler_key, st.event_type, st.attempts, st.max_attempts, st.last_error, st.updated_at
        FROM ${this.states} st
        WHERE st.status = 'dead'${and(conditions)}
        ORDER BY ${ORDER} ${unseenLimit(limit)}
      ) d
      CROSS JOIN LATERAL (
        SELECT message_type, payload, headers, occurred_at, received_at FROM ${this.messages} WHERE id = d.message_id LIMIT 1
      ) m
      ORDER BY d.updated_at, d.message_id, d.handler_key`;
  }

  /**
   * One batch of a bulk action: the next `DEAD_BATCH` matching runs (after the position
   * in `conditions`) that were dead at the cut-off (microseconds, see `cutoff`), replayed
   * or deleted. Answers how many runs the batch found, the last one's position and how
   * many it changed; a run that changed meanwhile is re-checked and left alone.
   */
  batch(action: 'replay' | 'purge', conditions: readonly string[], cutoff: string): string {
    const deadAtStart = (alias: string) =>
      `${alias}.status = 'dead' AND ${alias}.updated_at <= ${timestamptzOfMicrosSql(cutoff)}`;
    const same = `s.message_id = batch.message_id AND s.handler_key = batch.handler_key AND ${deadAtStart('s')}`;
    const change =
      action === 'replay'
        ? `UPDATE ${this.states} s SET ${REPLAYED} FROM batch WHERE ${same} RETURNING 1`
        : `DELETE FROM ${this.states} s USING batch WHERE ${same} RETURNING 1`;
    return `WITH batch AS (
        SELECT st.message_id, st.handler_key, st.updated_at FROM ${this.states} st
        WHERE ${deadAtStart('st')}${and(conditions)}
        ORDER BY ${ORDER} ${unseenLimit(DEAD_BATCH)}
      ),
      changed AS (${change}),
      last AS (SELECT * FROM batch st ORDER BY st.updated_at DESC, st.message_id DESC, st.handler_key DESC LIMIT 1)
      SELECT (SELECT count(*) FROM batch)::int AS found, (SELECT count(*) FROM changed)::int AS changed,
        last.message_id, last.handler_key, ${epochMicrosSql('last.updated_at')} AS dead_micros
      FROM (SELECT 1) one LEFT JOIN last ON true`;
  }
}

function and(conditions: readonly string[]): string {
  return conditions.map((condition) => ` AND ${condition}`).join('');
}
