import { quoteIdentifier, RELAXED_COMMIT, statementPrefix } from '@courier-nest/core/internal';

/** The columns `publish` writes, in the order of the arrays it binds. */
export const MESSAGE_COLUMNS =
  'id, destination, type, key, payload, headers, correlation_id, causation_id, traceparent, tracestate, source, occurred_at';

/**
 * Every statement the outbox runs, built once per schema. Each has a stable name so
 * node-postgres prepares it once per connection and then only binds parameters.
 */
export class OutboxSql {
  readonly insert: string;
  readonly insertWithNotify: string;
  readonly insertClaimed: string;
  readonly lockKeys: string;
  readonly claimUnordered: string;
  readonly claimPerKey: string;
  readonly claimCommitted: string;
  readonly deleteConfirmed: string;
  readonly deleteConfirmedBySeq: string;
  readonly markFailed: string;
  readonly release: string;
  readonly renewClaims: string;
  readonly releaseClaims: string;
  readonly stats: string;
  readonly listDead: string;
  readonly requeueDead: string;
  readonly notify: string;
  /** Distinguishes prepared-statement names when two schemas share a connection. */
  readonly prefix: string;

  constructor(readonly schema: string) {
    const table = `${quoteIdentifier(schema, 'schema')}.outbox_messages`;
    const tokenSeq = `${quoteIdentifier(schema, 'schema')}.outbox_lease_token_seq`;
    this.prefix = statementPrefix('outbox', schema);

    const insertColumns = MESSAGE_COLUMNS;
    const rows = `unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[],
                         $9::text[], $10::text[], $11::text[], $12::timestamptz[])`;
    this.insert = `INSERT INTO ${table} (${insertColumns}) SELECT * FROM ${rows} RETURNING seq`;
    // The NOTIFY rides the INSERT (no extra round trip) and PostgreSQL folds identical
    // notifications of one transaction into one, delivered at commit, never on rollback.
    this.insertWithNotify = `WITH wake AS (SELECT pg_notify($13, '')) INSERT INTO ${table} (${insertColumns})
      SELECT u.* FROM ${rows} AS u CROSS JOIN wake RETURNING seq`;
    // Claimed as written: rows the local relay publishes as soon as their transaction
    // commits, so they need no claim query. They carry its lease ($13 owner, $14 ms) and
    // a fresh fencing token, exactly as if a claim had taken them; if the process dies
    // first, they are due again when the lease runs out. No NOTIFY: no other relay needs
    // waking. The lease counts from the write, not from the transaction's start (now()).
    this.insertClaimed = `WITH token AS (SELECT nextval('${tokenSeq.replace(/'/g, "''")}') AS value)
      INSERT INTO ${table} (${insertColumns}, lease_owner, lease_token, available_at)
      SELECT u.*, $13, token.value, clock_timestamp() + $14 * interval '1 millisecond' FROM ${rows} AS u CROSS JOIN token
      RETURNING seq, ctid::text AS row_id, lease_token`;
    // Per-key ordering: writers of the same key serialise until commit, so write
    // order (seq) equals commit order for that key. Sorted to avoid deadlocks.
    // The two-int form keeps these locks apart from the application's one-bigint locks;
    // the first int is this outbox's (schema's) own namespace.
    this.lockKeys = `SELECT pg_advisory_xact_lock(hashtext('courier_outbox:${schema}'), hashtext(k))
      FROM (SELECT DISTINCT unnest($1::text[]) AS k ORDER BY 1) keys`;

    const returning = `RETURNING m.seq, m.ctid::text AS row_id, m.id, m.destination, m.type, m.key, m.payload, m.headers, m.correlation_id,
      m.causation_id, m.traceparent, m.tracestate, m.source, m.occurred_at, m.attempts, token.value AS lease_token,
      (extract(epoch FROM clock_timestamp() - m.created_at) * 1000)::float8 AS age_ms`;
    // The claimed rows are updated by the row ids the candidate query locked, as one
    // array: a TID scan fetches each. Joined to the candidates (by seq, or by row id),
    // the planner hashed the whole table once it was analysed. A candidate whose newest
    // version this statement cannot see (committed after it began) is simply not
    // claimed this time.
    const claim = (
      candidates: string,
    ) => `WITH ${RELAXED_COMMIT}, token AS (SELECT nextval('${tokenSeq.replace(/'/g, "''")}') AS value),
      due AS (${candidates})
      UPDATE ${table} m SET lease_owner = $2, lease_token = token.value,
        available_at = now() + $3 * interval '1 millisecond'
      FROM token, relaxed WHERE m.ctid = ANY(ARRAY(SELECT row_id FROM due)) ${returning}`;
    // No `dead_at IS NULL` here: a dead row waits at available_at = 'infinity' instead.
    // Without statistics (a fresh table, or a backlog autovacuum has not analysed yet)
    // PostgreSQL guesses that 0.5% of rows match IS NULL, and then sorted the whole
    // table for each claim instead of walking the primary key (20 ms instead of 0.6 ms
    // for a 50,000-row backlog).
    this.claimUnordered = claim(`SELECT ctid AS row_id FROM ${table}
        WHERE available_at <= now()
        ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`);
    // Rows this process just committed, by primary key: no search through the table.
    this.claimCommitted = claim(`SELECT ctid AS row_id FROM ${table}
        WHERE seq = ANY($4::bigint[]) AND available_at <= now()
        ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`);
    // Only the head of each key is claimable: any earlier row with the same key still
    // here (leased, backing off or dead) holds the later ones back.
    this.claimPerKey = claim(`SELECT c.ctid AS row_id FROM ${table} c
        WHERE c.available_at <= now()
          AND (c.key IS NULL OR NOT EXISTS (SELECT 1 FROM ${table} p WHERE p.key = c.key AND p.seq < c.seq))
        ORDER BY c.seq LIMIT $1 FOR UPDATE OF c SKIP LOCKED`);

    // Fencing: a relay settles only rows that still carry its claims' tokens. One
    // statement deletes the rows of several claims (see ConfirmedRowsDeleter): $2 holds
    // their tokens, all this relay's own, so no row another relay took can match.
    // Rows are found by the row id (ctid) their claim returned, within the range of
    // blocks those ids span ($4, $5: see tidRange), whatever the table's size or
    // statistics (by seq, or by row id alone, a backlog of some thousand rows was
    // scanned whole). A row moved since (a table rewrite) matches nothing there:
    // `deleteConfirmedBySeq` then. (Joining each row to its own token instead cost a
    // quarter of the drain rate.)
    this.deleteConfirmed = `WITH ${RELAXED_COMMIT}
      DELETE FROM ${table} USING relaxed
      WHERE ctid >= $4::tid AND ctid <= $5::tid AND ctid = ANY($3::tid[])
        AND seq = ANY($1::bigint[]) AND lease_token = ANY($2::bigint[])
      RETURNING seq`;
    this.deleteConfirmedBySeq = `WITH ${RELAXED_COMMIT}
      DELETE FROM ${table} USING relaxed WHERE seq = ANY($1::bigint[]) AND lease_token = ANY($2::bigint[])
      RETURNING seq`;
    this.markFailed = `WITH ${RELAXED_COMMIT} UPDATE ${table} m SET attempts = m.attempts + 1, last_error = f.error, lease_owner = NULL,
        available_at = CASE WHEN m.attempts + 1 >= $3 THEN 'infinity'
                            ELSE now() + f.delay_ms * interval '1 millisecond' END,
        dead_at = CASE WHEN m.attempts + 1 >= $3 THEN now() END
      FROM unnest($1::bigint[], $4::text[], $5::int[]) AS f(seq, error, delay_ms), relaxed
      WHERE m.seq = f.seq AND m.lease_token = $2
      RETURNING m.seq, m.dead_at IS NOT NULL AS dead`;
    this.release = `UPDATE ${table} SET lease_owner = NULL, last_error = $3,
        available_at = now() + $4 * interval '1 millisecond'
      WHERE seq = ANY($1::bigint[]) AND lease_token = $2`;
    // Live leases: the claims a relay still works on, each row by seq and only while it
    // carries one of its claims' tokens ($1 seqs, $2 the tokens, as the deletes take them). Rows another statement has
    // locked (this relay's own delete, most often) are skipped, not waited for: waiting
    // let a renewal and a delete lock the same rows in opposite orders and deadlock. The
    // answer names the tokens that still hold a row; a claim missing from it lost its rows.
    this.renewClaims = `WITH held AS (
        SELECT seq, lease_token FROM ${table}
        WHERE seq = ANY($1::bigint[]) AND lease_token = ANY($2::bigint[]) AND dead_at IS NULL),
      free AS (
        SELECT m.seq FROM ${table} m JOIN held h ON m.seq = h.seq AND m.lease_token = h.lease_token
        FOR UPDATE OF m SKIP LOCKED),
      renewed AS (
        UPDATE ${table} SET available_at = now() + $3 * interval '1 millisecond'
        WHERE seq = ANY(ARRAY(SELECT seq FROM free))
        RETURNING 1)
      SELECT DISTINCT lease_token FROM held`;
    this.releaseClaims = `UPDATE ${table} m SET lease_owner = NULL, available_at = now()
      FROM unnest($1::bigint[], $2::bigint[]) AS c(seq, token)
      WHERE m.seq = c.seq AND m.lease_token = c.token AND m.dead_at IS NULL`;
    // Scheduled messages count as pending only once due (and not yet moved: no relay ran
    // then), aged from their due time; until then they are `scheduled`, so a message for
    // tomorrow raises no backlog alert today.
    const scheduled = `${quoteIdentifier(schema, 'schema')}.outbox_scheduled_messages`;
    this.stats = `WITH m AS (SELECT count(*) FILTER (WHERE dead_at IS NULL)::int AS pending,
          count(*) FILTER (WHERE dead_at IS NOT NULL)::int AS dead,
          count(*) FILTER (WHERE dead_at IS NULL AND attempts > 0)::int AS retrying,
          min(created_at) FILTER (WHERE dead_at IS NULL) AS oldest
        FROM ${table}),
      s AS (SELECT count(*) FILTER (WHERE deliver_at > now())::int AS scheduled,
          count(*) FILTER (WHERE deliver_at <= now())::int AS overdue,
          min(deliver_at) FILTER (WHERE deliver_at <= now()) AS oldest
        FROM ${scheduled})
      SELECT m.pending + s.overdue AS pending, m.dead, m.retrying, s.scheduled,
        coalesce(extract(epoch FROM clock_timestamp() - least(m.oldest, s.oldest)) * 1000, 0)::float8
          AS oldest_pending_age_ms
      FROM m, s`;
    this.listDead = `SELECT id, destination, type, key, attempts, last_error, created_at, dead_at FROM ${table}
      WHERE dead_at IS NOT NULL AND ($1::text IS NULL OR destination = $1) ORDER BY seq LIMIT $2`;
    this.requeueDead = `UPDATE ${table} SET dead_at = NULL, attempts = 0, last_error = NULL, lease_owner = NULL,
        available_at = now()
      WHERE dead_at IS NOT NULL AND ($1::uuid[] IS NULL OR id = ANY($1::uuid[])) RETURNING id`;
    this.notify = `SELECT pg_notify($1, '')`;
  }
}
