import { quoteIdentifier } from '@courier-nest/core/internal';
import { MESSAGE_COLUMNS } from './outbox.sql';

/**
 * The statements of scheduled delivery. A scheduled message waits in
 * `outbox_scheduled_messages` (schema version 3) until it is due, then a relay moves it
 * into `outbox_messages`, where it is claimed like a message written at that moment. The
 * claims never see a message that is not due, and `publish` without a schedule runs the
 * statements of `OutboxSql` unchanged.
 */
export class OutboxScheduleSql {
  /** `publish` of messages of which some carry `deliverAt` / `delayMs`. */
  readonly insert: string;
  readonly insertWithNotify: string;
  readonly lockDue: string;
  readonly move: string;
  readonly state: string;

  constructor(readonly schema: string) {
    const quoted = quoteIdentifier(schema, 'schema');
    const table = `${quoted}.outbox_messages`;
    const scheduled = `${quoted}.outbox_scheduled_messages`;

    // Which rows wait is decided here, by the database clock: a time not later than the
    // INSERT, or a delay of 0, means now. `input` is materialised, so each row's clock is
    // read once and both INSERTs see the same decision. Due rows go where a plain publish
    // puts them; the answer is their seqs, then one row with the soonest due time (ms from
    // now) of those that wait, or null.
    const statement = (notify: boolean) => `WITH input AS MATERIALIZED (
        SELECT u.*, CASE WHEN u.deliver_at > clock_timestamp() THEN u.deliver_at
                         WHEN u.delay_ms > 0 THEN clock_timestamp() + u.delay_ms * interval '1 millisecond' END AS due_at
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[],
                    $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::bigint[])
          WITH ORDINALITY AS u(${MESSAGE_COLUMNS}, deliver_at, delay_ms, n)),
      later AS (INSERT INTO ${scheduled} (${MESSAGE_COLUMNS}, deliver_at)
        SELECT ${MESSAGE_COLUMNS}, due_at FROM input WHERE due_at IS NOT NULL ORDER BY n
        RETURNING (extract(epoch FROM deliver_at - clock_timestamp()) * 1000)::float8 AS due_in_ms),
      due AS (INSERT INTO ${table} (${MESSAGE_COLUMNS})
        SELECT ${MESSAGE_COLUMNS} FROM input WHERE due_at IS NULL ORDER BY n RETURNING seq),
      -- A NOTIFY only when something is due now: a message for later wakes no relay.
      wake AS (SELECT ${notify ? "pg_notify($15, '')" : '1'} FROM input WHERE due_at IS NULL LIMIT 1)
      SELECT seq, NULL::float8 AS due_in_ms FROM due
      UNION ALL SELECT NULL, (SELECT min(due_in_ms) FROM later) FROM (SELECT count(*) FROM wake) AS woken`;
    this.insert = statement(false);
    this.insertWithNotify = statement(true);

    // Oldest due first; another relay's mover skips what this one holds.
    this.lockDue = `SELECT seq, key FROM ${scheduled} WHERE deliver_at <= now()
      ORDER BY deliver_at, seq LIMIT $1 FOR UPDATE SKIP LOCKED`;
    // New seqs in due order: a moved message takes its place among its key's messages as
    // if written when it came due. `created_at` becomes the due time, from which the
    // backlog age and commit → publish latency of the message count.
    this.move = `WITH moved AS (DELETE FROM ${scheduled} WHERE seq = ANY($1::bigint[])
        RETURNING ${MESSAGE_COLUMNS}, deliver_at, seq)
      INSERT INTO ${table} (${MESSAGE_COLUMNS}, created_at)
      SELECT ${MESSAGE_COLUMNS}, deliver_at FROM moved ORDER BY deliver_at, seq RETURNING seq`;
    // Two probes of the (deliver_at, seq) index, however many messages wait (as ORDER BY …
    // LIMIT 1: an EXISTS was planned as a table scan without statistics, all of it when
    // nothing is due).
    this.state = `SELECT coalesce((SELECT deliver_at FROM ${scheduled} ORDER BY deliver_at LIMIT 1) <= now(), false) AS overdue,
      (SELECT (extract(epoch FROM deliver_at - clock_timestamp()) * 1000)::float8 FROM ${scheduled}
        WHERE deliver_at > now() ORDER BY deliver_at LIMIT 1) AS next_due_in_ms`;
  }
}
