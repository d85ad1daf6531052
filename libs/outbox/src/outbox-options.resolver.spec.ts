import { hostname } from 'node:os';
import { DEFAULT_MAX_PAYLOAD_BYTES, InvalidIdentifierError, InvalidOptionError } from '@courier-nest/core';
import type { OutboxModuleOptions } from './interfaces/outbox-options.interface';
import { resolveOutboxOptions } from './outbox-options.resolver';

/** Runs `fn`, expects it to throw an instance of `type`, returns the error for further checks. */
function caught<E extends Error>(fn: () => unknown, type: new (...args: never[]) => E): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected ${type.name} to be thrown`);
}

describe('resolveOutboxOptions', () => {
  describe('defaults', () => {
    const resolved = resolveOutboxOptions();

    it('uses the courier schema, notifies on courier_outbox and requires a transaction', () => {
      expect(resolved.schema).toBe('courier');
      expect(resolved.notify).toBe(true);
      expect(resolved.notifyChannel).toBe('courier_outbox');
      expect(resolved.requireTransaction).toBe(true);
      expect(resolved.migrationsRun).toBe(false);
    });

    it('publishes unordered, payloads up to 1 MiB', () => {
      expect(resolved.ordering).toBe('unordered');
      expect(resolved.codec.maxBytes).toBe(DEFAULT_MAX_PAYLOAD_BYTES);
    });

    it('relays 1000 per batch, 4 at once, 5 s leases, polling every 5 s, 10 attempts', () => {
      expect(resolved.relay).toMatchObject({
        enabled: true,
        batchSize: 1_000,
        concurrency: 4,
        leaseMs: 5_000,
        pollIntervalMs: 5_000,
        pollJitter: 0.2,
        maxAttempts: 10,
        unsentRetryDelayMs: 1_000,
        shutdownTimeoutMs: 10_000,
      });
    });

    it('backs off from 1 s to 5 min, doubling, 20 % jitter', () => {
      expect(resolved.relay.backoff).toMatchObject({
        initialDelayMs: 1_000,
        maxDelayMs: 300_000,
        multiplier: 2,
        jitter: 0.2,
      });
    });

    it('gives the relay a processor id of host, pid and a random suffix', () => {
      const host = hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(resolved.relay.processorId).toMatch(new RegExp(`^${host}:${process.pid}:[0-9a-f]{6}$`));
    });
  });

  it('names the service after the package, else "courier"', () => {
    const saved = process.env.npm_package_name;
    try {
      process.env.npm_package_name = 'orders-service';
      expect(resolveOutboxOptions().serviceName).toBe('orders-service');
      delete process.env.npm_package_name;
      expect(resolveOutboxOptions().serviceName).toBe('courier');
    } finally {
      if (saved === undefined) delete process.env.npm_package_name;
      else process.env.npm_package_name = saved;
    }
  });

  it('keeps explicit values, the notify channel following the schema', () => {
    const resolved = resolveOutboxOptions({
      schema: 'billing',
      serviceName: 'billing-service',
      migrationsRun: true,
      ordering: 'per-key',
      maxPayloadBytes: 1_024,
      notify: false,
      requireTransaction: false,
      relay: {
        enabled: false,
        batchSize: 1,
        concurrency: 64,
        leaseMs: 100,
        pollIntervalMs: 10,
        pollJitter: 1,
        maxAttempts: 1,
        backoff: { initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, jitter: 0 },
        unsentRetryDelayMs: 0,
        shutdownTimeoutMs: 600_000,
        processorId: 'relay-a',
      },
    });
    expect(resolved).toMatchObject({
      schema: 'billing',
      serviceName: 'billing-service',
      migrationsRun: true,
      ordering: 'per-key',
      notify: false,
      notifyChannel: 'billing_outbox',
      requireTransaction: false,
      relay: {
        enabled: false,
        batchSize: 1,
        concurrency: 64,
        leaseMs: 100,
        pollIntervalMs: 10,
        pollJitter: 1,
        maxAttempts: 1,
        backoff: { initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, jitter: 0 },
        unsentRetryDelayMs: 0,
        shutdownTimeoutMs: 600_000,
        processorId: 'relay-a',
      },
    });
    expect(resolved.codec.maxBytes).toBe(1_024);
  });

  it('keeps the notify channel within PostgreSQL’s 63-character identifier limit', () => {
    const schema = 'o'.repeat(60);
    expect(resolveOutboxOptions({ schema }).notifyChannel).toBe(`${schema}_ou`);
  });

  it.each(['Courier', 'out-box', '9outbox', 'o'.repeat(64), 'a"b', ''])(
    'refuses schema %j with InvalidIdentifierError',
    (schema) => {
      const error = caught(() => resolveOutboxOptions({ schema }), InvalidIdentifierError);
      expect(error.option).toBe('schema');
      expect(error.message).toContain('Option "schema" must be a SQL identifier');
    },
  );

  it.each<[string, OutboxModuleOptions]>([
    ['ordering', { ordering: 'fifo' as 'unordered' }],
    ['serviceName', { serviceName: '' }],
    ['maxPayloadBytes', { maxPayloadBytes: 0 }],
    ['maxPayloadBytes', { maxPayloadBytes: 128 * 1024 * 1024 + 1 }],
    ['relay.batchSize', { relay: { batchSize: 0 } }],
    ['relay.batchSize', { relay: { batchSize: 10_001 } }],
    ['relay.concurrency', { relay: { concurrency: 0 } }],
    ['relay.concurrency', { relay: { concurrency: 65 } }],
    ['relay.leaseMs', { relay: { leaseMs: 99 } }],
    ['relay.leaseMs', { relay: { leaseMs: 3_600_001 } }],
    ['relay.pollIntervalMs', { relay: { pollIntervalMs: 9 } }],
    ['relay.pollJitter', { relay: { pollJitter: 1.01 } }],
    ['relay.pollJitter', { relay: { pollJitter: Number.NaN } }],
    ['relay.maxAttempts', { relay: { maxAttempts: 0 } }],
    ['relay.maxAttempts', { relay: { maxAttempts: 1.5 } }],
    ['relay.unsentRetryDelayMs', { relay: { unsentRetryDelayMs: -1 } }],
    ['relay.shutdownTimeoutMs', { relay: { shutdownTimeoutMs: 600_001 } }],
    ['relay.processorId', { relay: { processorId: ' ' } }],
  ])('refuses an out-of-range %s with InvalidOptionError naming it', (option, options) => {
    const error = caught(() => resolveOutboxOptions(options), InvalidOptionError);
    expect(error.option).toBe(option);
    expect(error.code).toBe('COURIER_INVALID_OPTION');
    expect(error.message).toContain(`Option "${option}" must be`);
  });

  it('refuses a bad relay.backoff through the backoff policy', () => {
    const error = caught(
      () => resolveOutboxOptions({ relay: { backoff: { jitter: 2 } } }),
      InvalidOptionError,
    );
    expect(error.message).toMatch(/backoff\.jitter" must be between 0 and 1; got 2/);
  });
});
