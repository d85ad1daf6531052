import { ConsumerConfigurationError } from './errors/consumer-configuration.error';
import { resolveQueueRef, validateQueueMap } from './queue-ref.resolver';

describe('resolveQueueRef', () => {
  const queues = { orders: 'orders.v2', invoices: 'billing.invoices' };

  it('keeps a queue name, and reads a key from the map', () => {
    expect(resolveQueueRef('thumbnails', queues, 'A.run')).toBe('thumbnails');
    expect(resolveQueueRef({ key: 'orders' }, queues, 'A.run')).toBe('orders.v2');
  });

  it('refuses an unknown key, naming it, the method and the known keys', () => {
    expect(() => resolveQueueRef({ key: 'order' }, queues, 'Orders.handle')).toThrow(
      new ConsumerConfigurationError(
        'Orders.handle: @ConsumeQueue({ key: "order" }) names no queue: ConsumerModule "queues" has orders, invoices. ' +
          'Add "order" to ConsumerModule.forRoot({ queues }) or to what forRootAsync\'s factory returns, or fix the key.',
      ),
    );
  });

  it('refuses a key when no queues are configured, and never reads the prototype', () => {
    expect(() => resolveQueueRef({ key: 'orders' }, undefined, 'A.run')).toThrow(
      'A.run: @ConsumeQueue({ key: "orders" }) names no queue: ConsumerModule has no "queues". Add "orders"',
    );
    expect(() => resolveQueueRef({ key: 'toString' }, queues, 'A.run')).toThrow(
      '@ConsumeQueue({ key: "toString" }) names no queue',
    );
  });

  it.each([
    ['an empty name', ''],
    ['a name over 255 bytes', 'é'.repeat(128)],
    ['no name', undefined],
  ])('refuses %s', (_label, ref) => {
    expect(() => resolveQueueRef(ref as string, queues, 'A.run')).toThrow(
      /^A\.run: @ConsumeQueue needs a queue name of 1-255 bytes, or \{ key \} for a name from ConsumerModule's "queues"; got /,
    );
  });

  it.each([{ key: '' }, { key: 3 }, {}])('refuses the key object %p', (ref) => {
    expect(() => resolveQueueRef(ref as { key: string }, queues, 'A.run')).toThrow(
      'A.run: @ConsumeQueue needs a queue name, or { key } with a non-empty key; got ',
    );
  });
});

describe('validateQueueMap', () => {
  it('accepts no map and a map of names', () => {
    expect(() => validateQueueMap(undefined)).not.toThrow();
    expect(() => validateQueueMap({ orders: 'orders.v2' })).not.toThrow();
  });

  it.each([
    ['a list', ['orders']],
    ['a string', 'orders'],
    ['null', null],
  ])('refuses %s', (_label, queues) => {
    expect(() => validateQueueMap(queues)).toThrow(
      `ConsumerModule "queues" must map queue keys to queue names, e.g. { orders: 'orders.v2' }; got ${JSON.stringify(queues)}.`,
    );
  });

  it('refuses a missing or bad name, naming its key', () => {
    expect(() => validateQueueMap({ orders: undefined })).toThrow(
      new ConsumerConfigurationError(
        'ConsumerModule "queues.orders" must be a queue name of 1-255 bytes; got undefined (is the setting it is read from missing?).',
      ),
    );
    expect(() => validateQueueMap({ orders: '' })).toThrow(
      'ConsumerModule "queues.orders" must be a queue name of 1-255 bytes; got "".',
    );
  });
});
