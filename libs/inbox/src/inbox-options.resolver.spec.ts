import { hostname } from 'node:os';
import { DEFAULT_MAX_PAYLOAD_BYTES, InvalidIdentifierError, InvalidOptionError } from '@courier-nest/core';
import { InboxConfigurationError } from './errors/inbox-configuration.error';
import type { InboxModuleOptions } from './interfaces/inbox-options.interface';
import { resolveInboxOptions } from './inbox-options.resolver';

const DAY_MS = 86_400_000;

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

describe('resolveInboxOptions', () => {
  describe('defaults', () => {
    const resolved = resolveInboxOptions();

    it('uses the courier schema and notifies on courier_inbox', () => {
      expect(resolved.schema).toBe('courier');
      expect(resolved.notifyChannel).toBe('courier_inbox');
      expect(resolved.migrationsRun).toBe(false);
    });

    it('times handlers out after 10 s, allows 5 attempts, fails on duplicate handlers', () => {
      expect(resolved.handlerTimeoutMs).toBe(10_000);
      expect(resolved.maxAttempts).toBe(5);
      expect(resolved.duplicateHandlers).toBe('error');
    });

    it('backs off from 1 s to 5 min, doubling, 20 % jitter', () => {
      expect(resolved.backoff).toMatchObject({
        initialDelayMs: 1_000,
        maxDelayMs: 300_000,
        multiplier: 2,
        jitter: 0.2,
      });
    });

    it('accepts payloads up to 1 MiB', () => {
      expect(resolved.codec.maxBytes).toBe(DEFAULT_MAX_PAYLOAD_BYTES);
    });

    it('dispatches 100 per batch, 200 at once, polling every 5 s with a 5 s lease margin', () => {
      expect(resolved.dispatcher).toMatchObject({
        enabled: true,
        batchSize: 100,
        concurrency: 200,
        pollIntervalMs: 5_000,
        pollJitter: 0.2,
        leaseMs: 5_000,
        shutdownTimeoutMs: 10_000,
      });
    });

    it('gives each resolution its own processor id: host, pid and a random suffix', () => {
      const pattern = new RegExp(
        `^${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${process.pid}:[0-9a-f]{6}$`,
      );
      expect(resolved.dispatcher.processorId).toMatch(pattern);
      const ids = new Set(Array.from({ length: 5 }, () => resolveInboxOptions().dispatcher.processorId));
      expect(ids.size).toBeGreaterThan(1);
    });

    it('keeps handled messages 7 days, swept hourly', () => {
      expect(resolved.retention).toEqual({ windowMs: 7 * DAY_MS, eraseIntervalMs: 3_600_000 });
    });

    it('has no callbacks', () => {
      expect(resolved.onDead).toBeUndefined();
      expect(resolved.onError).toBeUndefined();
    });
  });

  it('names the service after the package, else "courier"', () => {
    const saved = process.env.npm_package_name;
    try {
      process.env.npm_package_name = 'billing-service';
      expect(resolveInboxOptions().serviceName).toBe('billing-service');
      delete process.env.npm_package_name;
      expect(resolveInboxOptions().serviceName).toBe('courier');
    } finally {
      if (saved === undefined) delete process.env.npm_package_name;
      else process.env.npm_package_name = saved;
    }
  });

  it('keeps explicit values', () => {
    const onDead = () => undefined;
    const onError = () => undefined;
    const resolved = resolveInboxOptions({
      schema: 'app_inbox',
      serviceName: 'orders',
      migrationsRun: true,
      handlerTimeoutMs: 2_000,
      maxAttempts: 3,
      backoff: { initialDelayMs: 10, maxDelayMs: 100, multiplier: 3, jitter: 0 },
      duplicateHandlers: 'first-wins',
      maxPayloadBytes: 4_096,
      dispatcher: {
        enabled: false,
        batchSize: 10,
        concurrency: 20,
        pollIntervalMs: 10,
        pollJitter: 0,
        leaseMs: 100,
        processorId: 'worker-1',
        shutdownTimeoutMs: 0,
      },
      retention: { windowDays: 0.5, eraseIntervalMs: 0 },
      onDead,
      onError,
    });
    expect(resolved).toMatchObject({
      schema: 'app_inbox',
      notifyChannel: 'app_inbox_inbox',
      serviceName: 'orders',
      migrationsRun: true,
      handlerTimeoutMs: 2_000,
      maxAttempts: 3,
      backoff: { initialDelayMs: 10, maxDelayMs: 100, multiplier: 3, jitter: 0 },
      duplicateHandlers: 'first-wins',
      dispatcher: {
        enabled: false,
        batchSize: 10,
        concurrency: 20,
        pollIntervalMs: 10,
        pollJitter: 0,
        leaseMs: 100,
        processorId: 'worker-1',
        shutdownTimeoutMs: 0,
      },
      retention: { windowMs: DAY_MS / 2, eraseIntervalMs: 0 },
    });
    expect(resolved.codec.maxBytes).toBe(4_096);
    expect(resolved.onDead).toBe(onDead);
    expect(resolved.onError).toBe(onError);
  });

  it('keeps the notify channel within PostgreSQL’s 63-character identifier limit', () => {
    const schema = 's'.repeat(63);
    expect(resolveInboxOptions({ schema }).notifyChannel).toBe(`${schema}_inbox`.slice(0, 63));
    expect(resolveInboxOptions({ schema }).notifyChannel).toHaveLength(63);
  });

  describe('retention window against the retry horizon', () => {
    // 2 attempts: one backoff delay and two (handler timeout + lease) = exactly one day.
    const oneDayHorizon = (initialDelayMs: number): InboxModuleOptions => ({
      maxAttempts: 2,
      handlerTimeoutMs: 1_000,
      dispatcher: { leaseMs: 500 },
      backoff: { initialDelayMs, maxDelayMs: initialDelayMs },
      retention: { windowDays: 1 },
    });

    it('refuses a window equal to the horizon', () => {
      caught(() => resolveInboxOptions(oneDayHorizon(DAY_MS - 3_000)), InboxConfigurationError);
    });

    it('accepts a window one millisecond longer than the horizon', () => {
      expect(resolveInboxOptions(oneDayHorizon(DAY_MS - 3_001)).retention.windowMs).toBe(DAY_MS);
    });

    it('says what to change when the defaults outlast a short window', () => {
      // Defaults: 1+2+4+8 s of backoff and 5 × (10 s timeout + 5 s lease) = 90 s; 0.001 days is 86.4 s.
      const error = caught(
        () => resolveInboxOptions({ retention: { windowDays: 0.001 } }),
        InboxConfigurationError,
      );
      expect(error.code).toBe('COURIER_INBOX_CONFIGURATION');
      expect(error.name).toBe('InboxConfigurationError');
      expect(error.message).toContain(
        'Option "retention.windowDays" (0.001 days) must exceed the retry horizon',
      );
      expect(error.message).toContain('(90 s for 5 attempts');
      expect(error.message).toContain('raise windowDays, or lower maxAttempts / backoff.maxDelayMs');
      expect(resolveInboxOptions({ retention: { windowDays: 0.0014 } }).retention.windowMs).toBeCloseTo(
        120_960,
      );
    });

    it('refuses many attempts with long backoff under the default 7-day window', () => {
      const error = caught(
        () => resolveInboxOptions({ maxAttempts: 100, backoff: { maxDelayMs: 2 * DAY_MS } }),
        InboxConfigurationError,
      );
      expect(error.message).toMatch(/\(7 days\) must exceed .* for 100 attempts/);
    });
  });

  it.each(['Courier', 'bad-name', '1inbox', 's'.repeat(64), 'x; drop schema courier', ''])(
    'refuses schema %j with InvalidIdentifierError',
    (schema) => {
      const error = caught(() => resolveInboxOptions({ schema }), InvalidIdentifierError);
      expect(error.option).toBe('schema');
      expect(error.message).toContain('Option "schema" must be a SQL identifier');
    },
  );

  it.each<[string, InboxModuleOptions]>([
    ['serviceName', { serviceName: '   ' }],
    ['serviceName', { serviceName: 'x'.repeat(256) }],
    ['handlerTimeoutMs', { handlerTimeoutMs: 0 }],
    ['handlerTimeoutMs', { handlerTimeoutMs: 3_600_001 }],
    ['maxAttempts', { maxAttempts: 0 }],
    ['maxAttempts', { maxAttempts: 1_001 }],
    ['maxAttempts', { maxAttempts: 2.5 }],
    ['duplicateHandlers', { duplicateHandlers: 'last-wins' as 'error' }],
    ['maxPayloadBytes', { maxPayloadBytes: 0 }],
    ['maxPayloadBytes', { maxPayloadBytes: 128 * 1024 * 1024 + 1 }],
    ['dispatcher.batchSize', { dispatcher: { batchSize: 0 } }],
    ['dispatcher.batchSize', { dispatcher: { batchSize: 10_001 } }],
    ['dispatcher.concurrency', { dispatcher: { concurrency: 0 } }],
    ['dispatcher.concurrency', { dispatcher: { concurrency: 1_001 } }],
    ['dispatcher.pollIntervalMs', { dispatcher: { pollIntervalMs: 9 } }],
    ['dispatcher.pollJitter', { dispatcher: { pollJitter: 1.5 } }],
    ['dispatcher.pollJitter', { dispatcher: { pollJitter: -0.1 } }],
    ['dispatcher.leaseMs', { dispatcher: { leaseMs: 99 } }],
    ['dispatcher.leaseMs', { dispatcher: { leaseMs: 3_600_001 } }],
    ['dispatcher.processorId', { dispatcher: { processorId: '' } }],
    ['dispatcher.shutdownTimeoutMs', { dispatcher: { shutdownTimeoutMs: 600_001 } }],
    ['retention.windowDays', { retention: { windowDays: 0 } }],
    ['retention.windowDays', { retention: { windowDays: -1 } }],
    ['retention.windowDays', { retention: { windowDays: Number.POSITIVE_INFINITY } }],
    ['retention.windowDays', { retention: { windowDays: Number.NaN } }],
    ['retention.eraseIntervalMs', { retention: { eraseIntervalMs: -1 } }],
    ['retention.eraseIntervalMs', { retention: { eraseIntervalMs: 7 * DAY_MS + 1 } }],
    ['backoff.multiplier', { backoff: { multiplier: 0.5 } }],
  ])('refuses an out-of-range %s with InvalidOptionError naming it', (option, options) => {
    const error = caught(() => resolveInboxOptions(options), InvalidOptionError);
    expect(error.option).toBe(option);
    expect(error.code).toBe('COURIER_INVALID_OPTION');
    expect(error.message).toContain(`Option "${option}" must be`);
  });
});
