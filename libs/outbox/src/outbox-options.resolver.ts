import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  assertSqlIdentifier,
  BackoffPolicy,
  DEFAULT_MAX_PAYLOAD_BYTES,
  InvalidOptionError,
  JsonCodec,
} from '@courier/core';
import type { OutboxModuleOptions, OutboxOrdering } from './interfaces/outbox-options.interface';

/** Options after defaults and validation: what every outbox component reads. */
export interface ResolvedOutboxOptions {
  schema: string;
  serviceName: string;
  migrationsRun: boolean;
  ordering: OutboxOrdering;
  notify: boolean;
  notifyChannel: string;
  requireTransaction: boolean;
  codec: JsonCodec;
  relay: {
    enabled: boolean;
    batchSize: number;
    concurrency: number;
    leaseMs: number;
    pollIntervalMs: number;
    pollJitter: number;
    maxAttempts: number;
    backoff: BackoffPolicy;
    unsentRetryDelayMs: number;
    shutdownTimeoutMs: number;
    processorId: string;
  };
}

/** Applies defaults and fails at bootstrap, naming the option, on anything out of range. */
export function resolveOutboxOptions(options: OutboxModuleOptions = {}): ResolvedOutboxOptions {
  const schema = options.schema ?? 'courier';
  assertSqlIdentifier(schema, 'schema');
  const ordering = options.ordering ?? 'unordered';
  if (ordering !== 'unordered' && ordering !== 'per-key') {
    throw new InvalidOptionError(
      'ordering',
      `Option "ordering" must be "unordered" or "per-key"; got ${JSON.stringify(ordering)}.`,
    );
  }
  const relay = options.relay ?? {};
  const resolved: ResolvedOutboxOptions = {
    schema,
    serviceName: nonEmpty('serviceName', options.serviceName ?? process.env.npm_package_name ?? 'courier'),
    migrationsRun: options.migrationsRun ?? false,
    ordering,
    notify: options.notify ?? true,
    // One channel per schema: two outboxes in one database must not wake each other.
    notifyChannel: `${schema}_outbox`.slice(0, 63),
    requireTransaction: options.requireTransaction ?? true,
    codec: new JsonCodec(
      int('maxPayloadBytes', options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES, 1, 128 * 1024 * 1024),
    ),
    relay: {
      enabled: relay.enabled ?? true,
      batchSize: int('relay.batchSize', relay.batchSize ?? 500, 1, 10_000),
      concurrency: int('relay.concurrency', relay.concurrency ?? 4, 1, 64),
      leaseMs: int('relay.leaseMs', relay.leaseMs ?? 30_000, 100, 3_600_000),
      pollIntervalMs: int('relay.pollIntervalMs', relay.pollIntervalMs ?? 5_000, 10, 3_600_000),
      pollJitter: fraction('relay.pollJitter', relay.pollJitter ?? 0.2),
      maxAttempts: int('relay.maxAttempts', relay.maxAttempts ?? 10, 1, 1_000),
      backoff: new BackoffPolicy(relay.backoff),
      unsentRetryDelayMs: int('relay.unsentRetryDelayMs', relay.unsentRetryDelayMs ?? 1_000, 0, 3_600_000),
      shutdownTimeoutMs: int('relay.shutdownTimeoutMs', relay.shutdownTimeoutMs ?? 10_000, 0, 600_000),
      processorId: nonEmpty(
        'relay.processorId',
        relay.processorId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
      ),
    },
  };
  return resolved;
}

function int(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(
      name,
      `Option "${name}" must be an integer from ${min} to ${max}; got ${value}.`,
    );
  }
  return value;
}

function fraction(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) {
    throw new InvalidOptionError(name, `Option "${name}" must be a number from 0 to 1; got ${value}.`);
  }
  return value;
}

function nonEmpty(name: string, value: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 255) {
    throw new InvalidOptionError(
      name,
      `Option "${name}" must be a non-empty string of at most 255 characters.`,
    );
  }
  return value;
}
