import { InvalidOptionError } from '@courier-nest/core';
import type { CourierRabbitMQOptions } from './interfaces';
import { resolveRabbitMQOptions } from './rabbitmq-options.resolver';

const URI = 'amqp://guest:guest@localhost:5672';

/** Runs `fn`, expects an InvalidOptionError, returns it for further checks. */
function invalidOption(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError to be thrown');
}

describe('resolveRabbitMQOptions', () => {
  describe('defaults', () => {
    const resolved = resolveRabbitMQOptions({ uri: URI });

    it('keeps the uri and declares exchanges', () => {
      expect(resolved.uri).toBe(URI);
      expect(resolved.declareExchanges).toBe(true);
    });

    it('waits 10 s for confirms and reconnects from 100 ms up to 10 s', () => {
      expect(resolved.confirmTimeoutMs).toBe(10_000);
      expect(resolved.reconnect).toEqual({ initialDelayMs: 100, maxDelayMs: 10_000 });
    });

    it('feeds the inbox from classic queues, prefetch 500, delivery limit 20, store retry 1 s', () => {
      expect(resolved.inbox).toMatchObject({
        enabled: true,
        prefetch: 500,
        queueType: 'classic',
        deliveryLimit: 20,
        storeRetryDelayMs: 1_000,
      });
    });

    it('names queues <service>.<eventType>', () => {
      expect(resolved.inbox.queueName('orders-service', 'payment_events')).toBe(
        'orders-service.payment_events',
      );
    });

    it('names the connection after the package, else "courier"', () => {
      const saved = process.env.npm_package_name;
      try {
        process.env.npm_package_name = 'billing-service';
        expect(resolveRabbitMQOptions({ uri: URI }).connectionName).toBe('billing-service');
        delete process.env.npm_package_name;
        expect(resolveRabbitMQOptions({ uri: URI }).connectionName).toBe('courier');
      } finally {
        if (saved === undefined) delete process.env.npm_package_name;
        else process.env.npm_package_name = saved;
      }
    });
  });

  it('keeps explicit values', () => {
    const queueName = (service: string, eventType: string) => `q.${service}.${eventType}`;
    const resolved = resolveRabbitMQOptions({
      uri: 'amqps://user:pw@broker.example:5671/vhost',
      connectionName: 'conn',
      declareExchanges: false,
      confirmTimeoutMs: 10,
      reconnect: { initialDelayMs: 50, maxDelayMs: 50 },
      inbox: {
        enabled: false,
        prefetch: 65_535,
        queueType: 'quorum',
        deliveryLimit: 1,
        queueName,
        storeRetryDelayMs: 250,
      },
    });
    expect(resolved).toEqual({
      uri: 'amqps://user:pw@broker.example:5671/vhost',
      connectionName: 'conn',
      declareExchanges: false,
      confirmTimeoutMs: 10,
      reconnect: { initialDelayMs: 50, maxDelayMs: 50 },
      inbox: {
        enabled: false,
        prefetch: 65_535,
        queueType: 'quorum',
        deliveryLimit: 1,
        queueName,
        storeRetryDelayMs: 250,
      },
    });
  });

  describe('uri', () => {
    it.each([
      ['an http URL', 'http://admin:Sup3rS3cret@localhost:15672'],
      ['a postgres URL', 'postgres://admin:Sup3rS3cret@localhost:5432/db'],
      ['text that is no URL', 'admin:Sup3rS3cret@localhost'],
      ['an empty string', ''],
    ])('refuses %s without echoing it', (_label, uri) => {
      const error = invalidOption(() => resolveRabbitMQOptions({ uri }));
      expect(error.option).toBe('uri');
      expect(error.message).toMatch(/"uri" must be an amqp:\/\/ or amqps:\/\/ URL/);
      expect(error.message).not.toContain('Sup3rS3cret');
      if (uri) expect(error.message).not.toContain(uri);
    });

    it('refuses a missing uri or options', () => {
      expect(invalidOption(() => resolveRabbitMQOptions({} as CourierRabbitMQOptions)).option).toBe('uri');
      expect(
        invalidOption(() => resolveRabbitMQOptions(undefined as unknown as CourierRabbitMQOptions)).option,
      ).toBe('uri');
    });
  });

  it.each([9, 0, -1, 100.5, Number.NaN])('refuses confirmTimeoutMs %p', (confirmTimeoutMs) => {
    const error = invalidOption(() => resolveRabbitMQOptions({ uri: URI, confirmTimeoutMs }));
    expect(error.option).toBe('confirmTimeoutMs');
    expect(error.message).toContain('"confirmTimeoutMs" must be an integer >= 10');
  });

  it.each([
    ['max below initial', { initialDelayMs: 500, maxDelayMs: 499 }],
    ['max below the default initial', { maxDelayMs: 50 }],
    ['initial above the default max', { initialDelayMs: 20_000 }],
    ['a zero initial delay', { initialDelayMs: 0 }],
    ['a NaN delay', { initialDelayMs: Number.NaN }],
  ])('refuses reconnect with %s', (_label, reconnect) => {
    const error = invalidOption(() => resolveRabbitMQOptions({ uri: URI, reconnect }));
    expect(error.option).toBe('reconnect');
    expect(error.message).toContain('0 < initialDelayMs <= maxDelayMs');
  });

  describe('inbox', () => {
    it.each([0, 65_536, 70_000, -1, 1.5])('refuses prefetch %p', (prefetch) => {
      const error = invalidOption(() => resolveRabbitMQOptions({ uri: URI, inbox: { prefetch } }));
      expect(error.option).toBe('inbox.prefetch');
      expect(error.message).toContain(`"inbox.prefetch" must be an integer from 1 to 65535; got ${prefetch}`);
    });

    it.each([1, 65_535])('accepts prefetch %p', (prefetch) => {
      expect(resolveRabbitMQOptions({ uri: URI, inbox: { prefetch } }).inbox.prefetch).toBe(prefetch);
    });

    it('refuses queueType "stream", naming the accepted ones', () => {
      const error = invalidOption(() =>
        resolveRabbitMQOptions({
          uri: URI,
          inbox: { queueType: 'stream' as unknown as 'classic' },
        }),
      );
      expect(error.option).toBe('inbox.queueType');
      expect(error.message).toBe('Option "inbox.queueType" must be "classic" or "quorum"; got "stream".');
    });

    it.each([0, -5, 2.5])('refuses deliveryLimit %p', (deliveryLimit) => {
      const error = invalidOption(() => resolveRabbitMQOptions({ uri: URI, inbox: { deliveryLimit } }));
      expect(error.option).toBe('inbox.deliveryLimit');
      expect(error.message).toContain('"inbox.deliveryLimit" must be an integer >= 1');
    });
  });
});
