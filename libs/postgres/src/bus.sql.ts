import { quoteIdentifier, RELAXED_COMMIT } from '@courier-nest/core/internal';

/** The columns a delivery is read from. */
const DELIVERY = `m.seq, m.message_id, m.body, m.properties, m.headers, m.exchange, m.routing_key, m.redelivered`;

/**
 * Every statement of the bus, built once per schema. The schema name is checked and
 * quoted here; everything else is a bind parameter.
 */
export class BusSql {
  readonly declareQueues: string;
  readonly subscribe: string;
  readonly publish: string;
  readonly send: string;
  readonly claim: string;
  readonly ack: string;
  readonly release: string;
  readonly retry: string;
  readonly deadLetter: string;
  readonly renew: string;
  readonly waiting: string;
  readonly queueStats: string;
  readonly adminStats: string;
  readonly deadPage: string;
  readonly deadHead: string;
  readonly requeueDead: string;
  readonly purgeDead: string;
  readonly dropQueue: string;

  constructor(readonly schema: string) {
    const s = quoteIdentifier(schema, 'schema');
    const messages = `${s}.bus_messages`;
    const tokenSeq = `${s}.bus_lease_token_seq`.replace(/'/g, "''");

    this.declareQueues = `INSERT INTO ${s}.bus_queues (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`;
    this.subscribe = `INSERT INTO ${s}.bus_subscriptions (destination, queue) VALUES ($1, $2) ON CONFLICT DO NOTHING`;

    // Fan-out: one row per subscription of each message's destination, all in this one
    // statement's transaction. The answer counts, per message (by position), the queues
    // it reached: none is the unroutable case. A NOTIFY per queue reached wakes its
    // consumers at commit (PostgreSQL folds repeats within a transaction).
    this.publish = `WITH m AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::jsonb[], $6::jsonb[])
          WITH ORDINALITY AS m(destination, routing_key, message_id, body, properties, headers, n)),
      routed AS (SELECT m.*, b.queue FROM m JOIN ${s}.bus_subscriptions b ON b.destination = m.destination),
      stored AS (
        INSERT INTO ${messages} (queue, message_id, body, properties, headers, exchange, routing_key)
        SELECT queue, message_id, body, properties, headers, destination, routing_key FROM routed ORDER BY n
        RETURNING queue),
      woken AS (SELECT count(pg_notify($7, q.queue)) AS queues FROM (SELECT DISTINCT queue FROM stored) q)
      SELECT m.n::int AS n, count(r.queue)::int AS queues
      FROM m LEFT JOIN routed r ON r.n = m.n CROSS JOIN woken
      GROUP BY m.n ORDER BY m.n`;
    // Straight into one queue (the default exchange of AMQP): tests, tools, requeues.
    this.send = `WITH stored AS (
        INSERT INTO ${messages} (queue, message_id, body, properties, headers, exchange, routing_key)
        SELECT $1, message_id, body, properties, headers, '', $1
        FROM unnest($2::text[], $3::bytea[], $4::jsonb[], $5::jsonb[]) AS u(message_id, body, properties, headers)
        RETURNING 1)
      SELECT count(*)::int AS stored, pg_notify($6, $1) IS NULL AS woken FROM stored`;

    // The rows to lease are locked in queue order and then updated by their row ids, as
    // one array (a TID scan each); joined instead, the planner hashed the whole table.
    this.claim = `WITH token AS (SELECT nextval('${tokenSeq}') AS value),
      due AS (SELECT ctid AS row_id FROM ${messages}
        WHERE queue = $1 AND available_at <= now() ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)
      UPDATE ${messages} m SET lease_owner = $3, lease_token = token.value,
        available_at = now() + $4 * interval '1 millisecond'
      FROM token WHERE m.ctid = ANY(ARRAY(SELECT row_id FROM due))
      RETURNING ${DELIVERY}, token.value AS lease_token`;

    // Settles: each row only while it carries the token of the claim that delivered it,
    // so a late settle of a delivery whose lease was lost touches nothing. Relaxed commit:
    // a settle lost in a crash only means the message is delivered again.
    this.ack = `WITH ${RELAXED_COMMIT}
      DELETE FROM ${messages} USING relaxed WHERE seq = ANY($1::bigint[]) AND lease_token = ANY($2::bigint[])`;
    this.release = `WITH ${RELAXED_COMMIT}
      UPDATE ${messages} SET lease_owner = NULL, lease_token = NULL, available_at = now(), redelivered = true
      FROM relaxed WHERE seq = ANY($1::bigint[]) AND lease_token = ANY($2::bigint[])`;
    this.retry = `WITH ${RELAXED_COMMIT}
      UPDATE ${messages} SET lease_owner = NULL, lease_token = NULL, redelivered = false,
        available_at = now() + $3 * interval '1 millisecond', headers = headers || $4::jsonb
      FROM relaxed WHERE seq = $1 AND lease_token = $2`;
    // Not relaxed: a dead letter keeps the reason of a message nobody will deliver again.
    // A new row at the dead-letter queue's tail (as a publish to it would be), not the old
    // one relabelled, whose place would be its first write's.
    this.deadLetter = `WITH dead AS (
        DELETE FROM ${messages} WHERE seq = $1 AND lease_token = $2
        RETURNING message_id, body, properties, headers)
      INSERT INTO ${messages} (queue, message_id, body, properties, headers, exchange, routing_key)
      SELECT $3, message_id, body, properties, headers || $4::jsonb, '', $3 FROM dead`;
    // Live leases: rows another statement has locked (a settle, most often) are skipped,
    // not waited for. The answer names the tokens that still hold a row.
    this.renew = `WITH held AS (
        SELECT ctid AS row_id, lease_token FROM ${messages}
        WHERE seq = ANY($1::bigint[]) AND lease_token = ANY($2::bigint[])),
      free AS (SELECT m.ctid AS row_id FROM ${messages} m
        WHERE m.ctid = ANY(ARRAY(SELECT row_id FROM held)) FOR UPDATE OF m SKIP LOCKED),
      renewed AS (UPDATE ${messages} SET available_at = now() + $3 * interval '1 millisecond'
        WHERE ctid = ANY(ARRAY(SELECT row_id FROM free)) RETURNING 1)
      SELECT DISTINCT lease_token FROM held`;

    this.waiting = `SELECT count(*)::int AS n FROM ${messages} WHERE queue = $1 AND lease_token IS NULL`;
    // Every queue of the bus, for the metrics (read once per scrape at most, see BusMetrics).
    this.queueStats = `SELECT queue, count(*)::int AS messages,
        extract(epoch FROM clock_timestamp() - min(created_at))::float8 AS oldest_seconds
      FROM ${messages} GROUP BY queue`;
    // The queue admin (the operations console): counts, and the dead-letter queue read and
    // changed from its head, rows taken by seq so a requeue or purge acts on what it saw.
    this.adminStats = `SELECT
        count(*) FILTER (WHERE queue = $1 AND lease_token IS NULL AND available_at <= now())::int AS depth,
        count(*) FILTER (WHERE queue = $1 AND lease_token IS NULL AND available_at > now())::int AS retry_depth,
        count(*) FILTER (WHERE queue = $2)::int AS dead_depth
      FROM ${messages} WHERE queue = ANY(ARRAY[$1, $2]::text[])`;
    this.deadPage = `SELECT seq, message_id, body, properties, headers
      FROM ${messages} WHERE queue = $1 ORDER BY seq OFFSET $2 LIMIT $3`;
    this.deadHead = `SELECT seq, message_id, headers FROM ${messages} WHERE queue = $1 ORDER BY seq LIMIT $2`;
    this.requeueDead = `WITH back AS (
        DELETE FROM ${messages} m USING unnest($2::bigint[], $3::jsonb[]) AS r(seq, headers)
        WHERE m.queue = $1 AND m.seq = r.seq
        RETURNING m.seq, m.message_id, m.body, m.properties, r.headers)
      INSERT INTO ${messages} (queue, message_id, body, properties, headers, exchange, routing_key)
      SELECT $4, message_id, body, properties, headers,
        coalesce(headers->>'x-courier-original-exchange', ''), coalesce(headers->>'x-courier-original-routing-key', $4)
      FROM (SELECT * FROM back ORDER BY seq) ordered
      RETURNING seq, message_id`;
    this.purgeDead = `DELETE FROM ${messages} WHERE queue = $1 AND seq = ANY($2::bigint[])`;
    this.dropQueue = `WITH gone AS (DELETE FROM ${messages} WHERE queue = $1)
      DELETE FROM ${s}.bus_queues WHERE name = $1`;
  }
}
