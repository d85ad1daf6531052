import type { QueryResultRow } from 'pg';
import { tidRange } from '@courier-nest/core/internal';
import type { OutboxDelivery } from '@courier-nest/core';
import type { ClaimedRow, OutboxRowInput } from './outbox.store';

/** How outbox rows travel to and from the outbox statements: parameter arrays in, claimed rows out. */
export function toClaimedRow(r: QueryResultRow): ClaimedRow {
  return {
    seq: String(r.seq),
    rowId: r.row_id,
    id: r.id,
    destination: r.destination,
    type: r.type,
    key: r.key,
    body: r.payload,
    headers: r.headers ?? {},
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    traceparent: r.traceparent,
    tracestate: r.tracestate,
    source: r.source,
    occurredAt: r.occurred_at,
    attempts: r.attempts,
    leaseToken: String(r.lease_token),
    ageMs: Number(r.age_ms),
  };
}

/** The delivery fields of a row as written (without its schedule). */
export function deliveryOf(row: OutboxRowInput): OutboxDelivery {
  return {
    id: row.id,
    destination: row.destination,
    type: row.type,
    key: row.key,
    body: row.body,
    headers: row.headers,
    correlationId: row.correlationId,
    causationId: row.causationId,
    traceparent: row.traceparent,
    tracestate: row.tracestate,
    source: row.source,
    occurredAt: row.occurredAt,
  };
}

export function compareSeq(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** A published row to delete, with the token of the claim that holds it. */
export interface ConfirmedRow {
  seq: string;
  rowId: string;
  leaseToken: string;
}

/** The parameters of `OutboxSql.deleteConfirmed`: rows found by row id, within the blocks those span. */
export function deleteConfirmedParameters(rows: readonly ConfirmedRow[]): unknown[] {
  const rowIds = rows.map((row) => row.rowId);
  const { first, last } = tidRange(rowIds);
  return [rows.map((row) => row.seq), tokensOf(rows), rowIds, first, last];
}

/** The claim tokens the rows carry, each once: the delete and renew statements match rows against them. */
export function tokensOf(rows: ReadonlyArray<Pick<ConfirmedRow, 'leaseToken'>>): string[] {
  return [...new Set(rows.map((row) => row.leaseToken))];
}

/** The twelve column arrays of an outbox INSERT ($1..$12), one array per column, in the SQL's order. */
export function outboxRowColumns(rows: readonly OutboxRowInput[]): unknown[] {
  return [
    rows.map((r) => r.id),
    rows.map((r) => r.destination),
    rows.map((r) => r.type),
    rows.map((r) => r.key),
    rows.map((r) => r.body),
    rows.map((r) => JSON.stringify(r.headers)),
    rows.map((r) => r.correlationId),
    rows.map((r) => r.causationId),
    rows.map((r) => r.traceparent),
    rows.map((r) => r.tracestate),
    rows.map((r) => r.source),
    rows.map((r) => r.occurredAt.toISOString()),
  ];
}
