import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { SchemaChain } from '@courier-nest/core';
import { inboxSchemaChain } from '@courier-nest/inbox';
import { outboxSchemaChain } from '@courier-nest/outbox';
import { DATABASE_URL } from '../harness/env';

export const chains: ReadonlyArray<[string, SchemaChain]> = [
  ['outbox', outboxSchemaChain],
  ['inbox', inboxSchemaChain],
];

/**
 * Rows in the version-1 tables of a component, written with version-1 columns only, so
 * they stay valid rows to carry through every later step.
 */
export const versionOneRows: Record<string, (schema: string) => string[]> = {
  outbox: (schema) => [
    `INSERT INTO "${schema}".outbox_messages (id, destination, type, key, payload, headers, correlation_id, source, occurred_at)
     VALUES ('0b9d6a3e-3f1f-4c39-9d5e-0c1b2a3d4e5f', 'order_events', 'order_created', 'o-1', '{"orderId":"o-1"}',
             '{"x-tenant":"t1"}', 'c-1', 'orders', '2025-01-01T00:00:00Z'),
            ('1c8e7b4f-4a2a-4d4a-8e6f-1d2c3b4e5f60', 'order_events', 'order_paid', NULL, '{}', '{}', 'c-2', 'orders',
             '2025-01-02T00:00:00Z')`,
    `UPDATE "${schema}".outbox_messages SET dead_at = '2025-01-03T00:00:00Z', attempts = 5, last_error = 'nack'
      WHERE type = 'order_paid'`,
  ],
  inbox: (schema) => [
    `INSERT INTO "${schema}".inbox_messages (id, event_type, message_type, payload, occurred_at)
     VALUES ('m-1', 'order_events', 'order_created', '{"orderId":"o-1"}', '2025-01-01T00:00:00Z')`,
    `INSERT INTO "${schema}".inbox_handler_states (message_id, handler_key, event_type, max_attempts, status, attempts)
     VALUES ('m-1', 'reserve_stock', 'order_events', 5, 'done', 1), ('m-1', 'notify', 'order_events', 5, 'dead', 5)`,
  ],
};

/** Every row of the chain's tables that exist (a later step may make more), ordered, for before/after comparisons. */
export async function tableRows(
  db: Client,
  chain: SchemaChain,
  schema: string,
): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of chain.tables) {
    const { rows } = await db.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [
      `"${schema}"."${table}"`,
    ]);
    if (rows[0].present)
      result[table] = (await db.query(`SELECT * FROM "${schema}"."${table}" ORDER BY 1, 2`)).rows;
  }
  return result;
}

/** A TypeORM DataSource of the tests' database, as an app's migration run would use. */
export async function openDataSource(
  options: { migrations?: Array<new () => unknown>; migrationsTableName?: string } = {},
) {
  const dataSource = new DataSource({
    type: 'postgres',
    url: DATABASE_URL,
    logging: false,
    migrations: options.migrations as never,
    migrationsTableName: options.migrationsTableName,
  });
  return dataSource.initialize();
}
