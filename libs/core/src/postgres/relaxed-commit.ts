/**
 * A CTE (named `relaxed`, to be joined by the statement) that lets the statement's own
 * autocommit transaction commit without waiting for the WAL flush. Only for writes whose
 * loss in a crash is harmless by design: a lost claim is a lease that was never taken,
 * a lost settle means the work is done again (at-least-once). Never for data the
 * caller relies on (an outbox insert, a received message acked afterwards).
 */
export const RELAXED_COMMIT = `relaxed AS (SELECT set_config('synchronous_commit', 'off', true) AS setting)`;
