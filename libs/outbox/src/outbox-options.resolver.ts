import { BackoffPolicy, DEFAULT_MAX_PAYLOAD_BYTES, JsonCodec } from '@courier-nest/core';
import { assertSqlIdentifier, OptionChecks, processOwnerId } from '@courier-nest/core/internal';
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
  const ordering = OptionChecks.oneOf('ordering', options.ordering ?? 'unordered', ['unordered', 'per-key']);
  const relay = options.relay ?? {};
  const resolved: ResolvedOutboxOptions = {
    schema,
    serviceName: OptionChecks.text(
      'serviceName',
      options.serviceName ?? process.env.npm_package_name ?? 'courier',
    ),
    migrationsRun: options.migrationsRun ?? false,
    ordering,
    notify: options.notify ?? true,
    // One channel per schema: two outboxes in one database must not wake each other.
    notifyChannel: `${schema}_outbox`.slice(0, 63),
    requireTransaction: options.requireTransaction ?? true,
    codec: new JsonCodec(
      OptionChecks.integer(
        'maxPayloadBytes',
        options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
        1,
        128 * 1024 * 1024,
      ),
    ),
    relay: {
      enabled: relay.enabled ?? true,
      batchSize: OptionChecks.integer('relay.batchSize', relay.batchSize ?? 1000, 1, 10_000),
      concurrency: OptionChecks.integer('relay.concurrency', relay.concurrency ?? 4, 1, 64),
      leaseMs: OptionChecks.integer('relay.leaseMs', relay.leaseMs ?? 5_000, 100, 3_600_000),
      pollIntervalMs: OptionChecks.integer(
        'relay.pollIntervalMs',
        relay.pollIntervalMs ?? 5_000,
        10,
        3_600_000,
      ),
      pollJitter: OptionChecks.fraction('relay.pollJitter', relay.pollJitter ?? 0.2),
      maxAttempts: OptionChecks.integer('relay.maxAttempts', relay.maxAttempts ?? 10, 1, 1_000),
      backoff: new BackoffPolicy(relay.backoff),
      unsentRetryDelayMs: OptionChecks.integer(
        'relay.unsentRetryDelayMs',
        relay.unsentRetryDelayMs ?? 1_000,
        0,
        3_600_000,
      ),
      shutdownTimeoutMs: OptionChecks.integer(
        'relay.shutdownTimeoutMs',
        relay.shutdownTimeoutMs ?? 10_000,
        0,
        600_000,
      ),
      processorId: OptionChecks.text('relay.processorId', relay.processorId ?? processOwnerId()),
    },
  };
  return resolved;
}
