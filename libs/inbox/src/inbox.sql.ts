import { quoteIdentifier, RELAXED_COMMIT, statementPrefix } from '@courier-nest/core/internal';

/** Every statement the inbox runs, built once per schema and prepared by name. */
export class InboxSql {
  readonly prefix: string;
  readonly receive: string;
  readonly claim: string;
  readonly settle: string;
  readonly settleByKey: string;
  readonly markDone: string;
  readonly renewClaims: string;
  readonly releaseClaims: string;
  readonly markExhausted: string;
  readonly stats: string;
  readonly listDead: string;
  readonly replay: string;
  readonly purge: string;
  readonly sweep: string;

  constructor(schema: string) {
    const s = quoteIdentifier(schema, 'schema');
    const messages = `${s}.inbox_messages`;
    const states = `${s}.inbox_handler_states`;
    const nextToken = `nextval('${s.replace(/'/g, "''")}.inbox_lease_token_seq')`;
    this.prefix = statementPrefix('inbox', schema);

    // Dedup is the unique insert itself, never a select first: two consumers receiving
    // the same id at once both try, one inserts, the other waits for its commit and
    // inserts nothing. State rows are only created with the message row.
    // The batch travels as one JSON array (JSON.stringify is native; eight arrays took
    // node-postgres' per-element escaping), each message an array of its fields in the
    // order InboxStore.receive writes them, its index `n` first. Read as jsonb, the batch
    // is parsed once and each field taken by position: objects by key name cost 1.2 µs
    // more of server CPU per message (4.0 against 2.8 to read 100-message batches), and
    // a fifth more bytes to send.
    // The answer is one row, not one per handler row: which indexes were new, and where
    // each of their handler rows was stored ("n key rowId;…": keys and row ids hold
    // neither ' ' nor ';'). A row per handler row, each with its own copy of the time,
    // cost a tenth of the statement's round trip (29 µs per message against 26, measured
    // on one connection with 100-message batches).
    // A message flagged `claim` has its handler rows stored already claimed by $3
    // (attempt 1, leased for $4 ms, one fencing token for the statement): the receiving
    // process runs them at once, with no claim query and no wake-up. The others wait as
    // pending, and only they NOTIFY.
    this.receive = `WITH incoming AS (
        SELECT (m->>0)::int AS n, m->>1 AS id, m->>2 AS event_type, m->>3 AS message_type, m->>4 AS payload,
          m->5 AS headers, (m->>6)::bigint AS occurred_ms, m->>7 AS handlers, (m->>8)::boolean AS claim
        FROM jsonb_array_elements($1::jsonb) AS batch(m)
      ),
      token AS (SELECT CASE WHEN $3::text IS NULL THEN NULL
        ELSE ${nextToken} END AS value),
      inserted AS (
        INSERT INTO ${messages} (id, event_type, message_type, payload, headers, occurred_at)
        -- Exact to the microsecond for years 1 to 9999: whole seconds convert exactly
        -- as a float8, the milliseconds are added as an interval.
        SELECT id, event_type, message_type, payload, headers,
          to_timestamp(occurred_ms / 1000) + (occurred_ms % 1000) * interval '1 millisecond'
        FROM incoming
        ON CONFLICT (id) DO NOTHING
        RETURNING id, received_at
      ),
      handler_rows AS (
        INSERT INTO ${states} (message_id, handler_key, event_type, max_attempts,
          status, attempts, lease_owner, lease_token, available_at)
        SELECT i.id, split_part(h.handler, ':', 1), incoming.event_type, split_part(h.handler, ':', 2)::int,
          CASE WHEN incoming.claim THEN 'progress' ELSE 'pending' END,
          CASE WHEN incoming.claim THEN 1 ELSE 0 END,
          CASE WHEN incoming.claim THEN $3::text END,
          CASE WHEN incoming.claim THEN token.value END,
          CASE WHEN incoming.claim THEN now() + $4::int * interval '1 millisecond' ELSE now() END
        FROM inserted i JOIN incoming USING (id) CROSS JOIN token,
          -- handlers travel as "key:maxAttempts,…" (a key holds neither ',' nor ':')
          LATERAL unnest(string_to_array(incoming.handlers, ',')) AS h(handler)
        RETURNING message_id, handler_key, ctid::text AS row_id
      ),
      wake AS (SELECT pg_notify($2, '') FROM inserted JOIN incoming USING (id) WHERE NOT incoming.claim LIMIT 1)
      -- received_at is now() for every row a statement stores.
      SELECT t.value AS lease_token, now() AS received_at,
        (SELECT string_agg(n::text, ',') FROM inserted JOIN incoming USING (id)) AS inserted,
        (SELECT string_agg(incoming.n || ' ' || h.handler_key || ' ' || h.row_id, ';')
          FROM handler_rows h JOIN incoming ON incoming.id = h.message_id) AS handler_rows
      FROM token t CROSS JOIN (SELECT count(*) FROM wake) w`;

    // Attempts count at claim: a handler that crashes its process still uses one up.
    this.claim = `WITH ${RELAXED_COMMIT}, token AS (SELECT ${nextToken} AS value),
      due AS (
        SELECT message_id, handler_key FROM ${states}
        WHERE status IN ('pending', 'progress', 'failed') AND available_at <= now() AND attempts < max_attempts
          -- A scalar filter, not a join: with a fresh backlog (statistics not yet analysed)
          -- a join made the planner sort every due row instead of walking the index.
          AND event_type || ' ' || handler_key = ANY($4::text[])
        ORDER BY available_at LIMIT $1 FOR UPDATE SKIP LOCKED
      )
      UPDATE ${states} st SET status = 'progress', attempts = st.attempts + 1, lease_owner = $2,
        lease_token = token.value, available_at = now() + $3 * interval '1 millisecond', updated_at = now()
      FROM due, token, relaxed, ${messages} m
      WHERE st.message_id = due.message_id AND st.handler_key = due.handler_key AND m.id = st.message_id
      RETURNING st.message_id, st.handler_key, st.ctid::text AS row_id, st.attempts, token.value AS lease_token, m.event_type,
        m.message_type, m.payload, m.headers, m.occurred_at, m.received_at`;

    // One statement settles a batch: done, failed (retry later) or dead, each row only
    // if its claim is still current. A failed row drops its token, so a late result of
    // a timed-out attempt can no longer mark it done.
    // Rows are found by the physical row id their claim returned, within the range of
    // blocks those ids span ($8, $9: see tidRange), whatever the table's size or
    // statistics: joined by key, the planner chose a scan of the whole table on a fresh
    // one, and a rescan of the batch per row on an analysed one. A row id that no longer
    // holds the claimed row (the table was rewritten, or the claim was lost) matches
    // nothing: `settleByKey` then tries those rows by key.
    // Relaxed commit: a settle lost in a crash only means the handler runs again.
    const setSettled = `SET
        status = CASE WHEN r.outcome = 'done' THEN 'done'
                      WHEN r.outcome = 'dead' OR st.attempts >= st.max_attempts THEN 'dead'
                      ELSE 'failed' END,
        available_at = CASE WHEN r.outcome = 'failed' THEN now() + r.delay_ms * interval '1 millisecond' ELSE st.available_at END,
        last_error = r.error, lease_owner = NULL, lease_token = NULL, updated_at = now()`;
    const settled = `RETURNING st.message_id, st.handler_key, st.status, st.attempts`;
    this.settle = `WITH ${RELAXED_COMMIT} UPDATE ${states} st ${setSettled}
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $7::tid[])
        AS r(message_id, handler_key, outcome, error, delay_ms, row_id), relaxed
      WHERE st.ctid >= $8::tid AND st.ctid <= $9::tid AND st.ctid = r.row_id
        AND st.message_id = r.message_id AND st.handler_key = r.handler_key AND st.lease_token = $6
      ${settled}`;
    this.settleByKey = `WITH ${RELAXED_COMMIT} UPDATE ${states} st ${setSettled}
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])
        AS r(message_id, handler_key, outcome, error, delay_ms), relaxed
      WHERE st.message_id = r.message_id AND st.handler_key = r.handler_key AND st.lease_token = $6
      ${settled}`;

    this.markDone = `UPDATE ${states} SET status = 'done', last_error = NULL, lease_owner = NULL,
        lease_token = NULL, updated_at = now()
      WHERE message_id = $1 AND handler_key = $2 AND lease_token = $3`;
    // An attempt whose process died (lease expired) still counted: on the last one the
    // handler is dead, not retried forever by a message that crashes its worker.
    this.markExhausted = `UPDATE ${states} SET status = 'dead', lease_owner = NULL, lease_token = NULL, updated_at = now(),
        last_error = coalesce(last_error || '; ', '') || 'lease expired on the last attempt (worker crashed or stalled)'
      WHERE status IN ('progress', 'pending', 'failed') AND available_at <= now() AND attempts >= max_attempts
        AND event_type || ' ' || handler_key = ANY($1::text[])
      RETURNING message_id, handler_key, event_type, attempts, last_error`;
    // Live leases: the runs a dispatcher still holds, each by key and only while it
    // carries its claim's token ($1, $2 keys, $3 their tokens). Rows another statement
    // has locked (this process's own settle, most often) are skipped, not waited for:
    // waiting let a renewal and a settle lock the same rows in opposite orders and
    // deadlock. The answer names the tokens that still hold a run; a claim missing from
    // it lost its runs.
    const claimedRuns = `unnest($1::text[], $2::text[], $3::bigint[]) AS c(message_id, handler_key, token)`;
    const heldBy = `st.message_id = c.message_id AND st.handler_key = c.handler_key
        AND st.lease_token = c.token AND st.status = 'progress'`;
    this.renewClaims = `WITH held AS (
        SELECT st.message_id, st.handler_key, st.lease_token FROM ${states} st JOIN ${claimedRuns} ON ${heldBy}),
      free AS (
        SELECT st.ctid AS row_id FROM ${states} st
          JOIN held h ON st.message_id = h.message_id AND st.handler_key = h.handler_key
            AND st.lease_token = h.lease_token AND st.status = 'progress'
        FOR UPDATE OF st SKIP LOCKED),
      renewed AS (
        UPDATE ${states} SET available_at = now() + $4 * interval '1 millisecond'
        WHERE ctid = ANY(ARRAY(SELECT row_id FROM free))
        RETURNING 1)
      SELECT DISTINCT lease_token FROM held`;
    // Given back at shutdown: the attempt did not run (or was cut short), so it is not counted.
    this.releaseClaims = `UPDATE ${states} st SET status = 'pending', lease_owner = NULL, lease_token = NULL,
        attempts = greatest(st.attempts - 1, 0), available_at = now()
      FROM ${claimedRuns} WHERE ${heldBy}`;
    this.stats = `SELECT
        count(*) FILTER (WHERE status IN ('pending', 'failed', 'progress') AND available_at <= now())::int AS due,
        count(*) FILTER (WHERE status IN ('pending', 'failed', 'progress'))::int AS open,
        count(*) FILTER (WHERE status = 'dead')::int AS dead,
        coalesce(extract(epoch FROM now() - min(available_at) FILTER (
          WHERE status IN ('pending', 'failed', 'progress') AND available_at <= now())) * 1000, 0)::float8 AS oldest_due_ms
      FROM ${states}`;
    this.listDead = `SELECT st.message_id, st.handler_key, st.attempts, st.last_error, st.updated_at, m.event_type
      FROM ${states} st JOIN ${messages} m ON m.id = st.message_id
      WHERE st.status = 'dead' AND ($1::text IS NULL OR m.event_type = $1) AND ($2::text IS NULL OR st.handler_key = $2)
      ORDER BY st.updated_at LIMIT $3`;
    this.replay = `UPDATE ${states} SET status = 'pending', attempts = 0, last_error = NULL, available_at = now(),
        lease_owner = NULL, lease_token = NULL, updated_at = now()
      WHERE message_id = $1 AND handler_key = $2 AND status IN ('dead', 'failed')`;
    // A message and its handler rows go together (there is no cascading foreign key).
    this.purge = `WITH handler_rows AS (DELETE FROM ${states} WHERE message_id = $1)
      DELETE FROM ${messages} WHERE id = $1`;
    // Batched so one sweep never holds a long lock; dead or unfinished handlers keep a message.
    this.sweep = `WITH doomed AS (
        SELECT m.id FROM ${messages} m
        WHERE m.received_at < now() - $1 * interval '1 millisecond'
          AND NOT EXISTS (SELECT 1 FROM ${states} st WHERE st.message_id = m.id AND st.status <> 'done')
        LIMIT $2
      ),
      handler_rows AS (DELETE FROM ${states} WHERE message_id IN (SELECT id FROM doomed))
      DELETE FROM ${messages} WHERE id IN (SELECT id FROM doomed)`;
  }
}
