import { BackoffPolicy, DEFAULT_MAX_PAYLOAD_BYTES, JsonCodec } from '@courier-nest/core';
import { assertSqlIdentifier, OptionChecks, processOwnerId } from '@courier-nest/core/internal';
import { InboxConfigurationError } from './errors/inbox-configuration.error';
import type { InboxModuleOptions } from './interfaces/inbox-options.interface';

const DAY_MS = 86_400_000;

export interface ResolvedInboxOptions {
  schema: string;
  serviceName: string;
  migrationsRun: boolean;
  handlerTimeoutMs: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  duplicateHandlers: 'error' | 'first-wins';
  codec: JsonCodec;
  notifyChannel: string;
  dispatcher: {
    enabled: boolean;
    batchSize: number;
    concurrency: number;
    pollIntervalMs: number;
    pollJitter: number;
    leaseMs: number;
    processorId: string;
    shutdownTimeoutMs: number;
  };
  retention: { windowMs: number; eraseIntervalMs: number };
  onDead?: InboxModuleOptions['onDead'];
  onError?: InboxModuleOptions['onError'];
}

/** Applies defaults and fails at bootstrap, naming the option, on anything out of range. */
export function resolveInboxOptions(options: InboxModuleOptions = {}): ResolvedInboxOptions {
  const schema = options.schema ?? 'courier';
  assertSqlIdentifier(schema, 'schema');
  const dispatcher = options.dispatcher ?? {};
  const duplicateHandlers = OptionChecks.oneOf('duplicateHandlers', options.duplicateHandlers ?? 'error', [
    'error',
    'first-wins',
  ]);
  const resolved: ResolvedInboxOptions = {
    schema,
    serviceName: OptionChecks.text(
      'serviceName',
      options.serviceName ?? process.env.npm_package_name ?? 'courier',
    ),
    migrationsRun: options.migrationsRun ?? false,
    handlerTimeoutMs: OptionChecks.integer(
      'handlerTimeoutMs',
      options.handlerTimeoutMs ?? 10_000,
      1,
      3_600_000,
    ),
    maxAttempts: OptionChecks.integer('maxAttempts', options.maxAttempts ?? 5, 1, 1_000),
    backoff: new BackoffPolicy(options.backoff),
    duplicateHandlers,
    codec: new JsonCodec(
      OptionChecks.integer(
        'maxPayloadBytes',
        options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
        1,
        128 * 1024 * 1024,
      ),
    ),
    notifyChannel: `${schema}_inbox`.slice(0, 63),
    dispatcher: {
      enabled: dispatcher.enabled ?? true,
      batchSize: OptionChecks.integer('dispatcher.batchSize', dispatcher.batchSize ?? 100, 1, 10_000),
      concurrency: OptionChecks.integer('dispatcher.concurrency', dispatcher.concurrency ?? 200, 1, 1_000),
      pollIntervalMs: OptionChecks.integer(
        'dispatcher.pollIntervalMs',
        dispatcher.pollIntervalMs ?? 5_000,
        10,
        3_600_000,
      ),
      pollJitter: OptionChecks.fraction('dispatcher.pollJitter', dispatcher.pollJitter ?? 0.2),
      leaseMs: OptionChecks.integer('dispatcher.leaseMs', dispatcher.leaseMs ?? 5_000, 100, 3_600_000),
      processorId: OptionChecks.text('dispatcher.processorId', dispatcher.processorId ?? processOwnerId()),
      shutdownTimeoutMs: OptionChecks.integer(
        'dispatcher.shutdownTimeoutMs',
        dispatcher.shutdownTimeoutMs ?? 10_000,
        0,
        600_000,
      ),
    },
    retention: {
      windowMs: OptionChecks.positive('retention.windowDays', options.retention?.windowDays ?? 7) * DAY_MS,
      eraseIntervalMs: OptionChecks.integer(
        'retention.eraseIntervalMs',
        options.retention?.eraseIntervalMs ?? 3_600_000,
        0,
        7 * DAY_MS,
      ),
    },
    onDead: options.onDead,
    onError: options.onError,
  };
  // A message must not be erased while one of its handlers may still be retried: each
  // attempt may run its timeout, then (its process died) wait out its lease.
  const retryHorizonMs =
    resolved.backoff.horizonMs(resolved.maxAttempts) +
    resolved.maxAttempts * (resolved.handlerTimeoutMs + resolved.dispatcher.leaseMs);
  if (resolved.retention.windowMs <= retryHorizonMs) {
    throw new InboxConfigurationError(
      `Option "retention.windowDays" (${resolved.retention.windowMs / DAY_MS} days) must exceed the retry horizon ` +
        `(${Math.ceil(retryHorizonMs / 1000)} s for ${resolved.maxAttempts} attempts with this backoff and timeout): ` +
        `raise windowDays, or lower maxAttempts / backoff.maxDelayMs.`,
    );
  }
  return resolved;
}
