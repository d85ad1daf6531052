import { InvalidOptionError } from '@courier-nest/core';
import { assertSqlIdentifier, OptionChecks } from '@courier-nest/core/internal';
import type { CourierPostgresOptions, PostgresInboxOptions } from './interfaces';

export interface ResolvedPostgresOptions {
  url: string;
  schema: string;
  migrationsRun: boolean;
  poolSize: number;
  leaseMs: number;
  pollIntervalMs: number;
  inbox: Required<PostgresInboxOptions>;
}

export const RESOLVED_POSTGRES_OPTIONS = Symbol.for('courier:postgres-resolved-options');

export function resolvePostgresOptions(options: CourierPostgresOptions): ResolvedPostgresOptions {
  const url = options?.url;
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // reported below, without echoing the value (it may hold a password)
  }
  if (typeof url !== 'string' || (protocol !== 'postgres:' && protocol !== 'postgresql:')) {
    throw new InvalidOptionError(
      'url',
      'Option "url" must be a postgres:// or postgresql:// URL, e.g. postgres://postgres@localhost:5432/app.',
    );
  }
  const schema = options.schema ?? 'courier_bus';
  assertSqlIdentifier(schema, 'schema');
  const inbox = options.inbox ?? {};
  return {
    url,
    schema,
    migrationsRun: options.migrationsRun ?? true,
    poolSize: OptionChecks.integer('poolSize', options.poolSize ?? 10, 2, 1_000),
    leaseMs: OptionChecks.integer('leaseMs', options.leaseMs ?? 5_000, 100, 3_600_000),
    pollIntervalMs: OptionChecks.integer('pollIntervalMs', options.pollIntervalMs ?? 1_000, 10, 3_600_000),
    inbox: {
      enabled: inbox.enabled ?? true,
      batchSize: OptionChecks.integer('inbox.batchSize', inbox.batchSize ?? 500, 1, 10_000),
      queueName: inbox.queueName ?? ((service, eventType) => `${service}.${eventType}`),
    },
  };
}
