import { ConsumerConfigurationError } from './errors/consumer-configuration.error';
import type { QueueRef } from './interfaces/consumer-module-options.interface';

/** RabbitMQ's limit (a short string); the in-memory transport keeps it, so tests catch it too. */
const MAX_QUEUE_NAME_BYTES = 255;

export function isQueueName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && Buffer.byteLength(name) <= MAX_QUEUE_NAME_BYTES;
}

/** Checks `ConsumerModuleOptions.queues` where it enters: an object of key → queue name. */
export function validateQueueMap(queues: unknown): void {
  if (queues === undefined) return;
  if (typeof queues !== 'object' || queues === null || Array.isArray(queues)) {
    throw new ConsumerConfigurationError(
      `ConsumerModule "queues" must map queue keys to queue names, e.g. { orders: 'orders.v2' }; got ${describeValue(queues)}.`,
    );
  }
  for (const [key, name] of Object.entries(queues)) {
    if (!isQueueName(name)) {
      throw new ConsumerConfigurationError(
        `ConsumerModule "queues.${key}" must be a queue name of 1-${MAX_QUEUE_NAME_BYTES} bytes; got ${describeValue(name)}` +
          (name === undefined ? ' (is the setting it is read from missing?).' : '.'),
      );
    }
  }
}

/**
 * The queue name `ref` stands for. `origin` (`Class.method`) starts every error, so the
 * bootstrap failure names the method to fix.
 */
export function resolveQueueRef(
  ref: QueueRef,
  queues: Readonly<Record<string, string>> | undefined,
  origin: string,
): string {
  if (isQueueName(ref)) return ref;
  if (typeof ref !== 'object' || ref === null) {
    throw new ConsumerConfigurationError(
      `${origin}: @ConsumeQueue needs a queue name of 1-${MAX_QUEUE_NAME_BYTES} bytes, or { key } for a name from ConsumerModule's "queues"; got ${describeValue(ref)}.`,
    );
  }
  const key: unknown = ref.key;
  if (typeof key !== 'string' || key.length === 0) {
    throw new ConsumerConfigurationError(
      `${origin}: @ConsumeQueue needs a queue name, or { key } with a non-empty key; got ${describeValue(ref)}.`,
    );
  }
  const name = queueOfKey(queues, key);
  if (name === undefined) {
    const known = Object.keys(queues ?? {});
    throw new ConsumerConfigurationError(
      `${origin}: @ConsumeQueue({ key: ${JSON.stringify(key)} }) names no queue: ` +
        (known.length > 0
          ? `ConsumerModule "queues" has ${known.join(', ')}. `
          : 'ConsumerModule has no "queues". ') +
        `Add ${JSON.stringify(key)} to ConsumerModule.forRoot({ queues }) or to what forRootAsync's factory returns, or fix the key.`,
    );
  }
  return name;
}

/** The name configured for `key`; own entries only (no `toString` from the prototype). */
export function queueOfKey(
  queues: Readonly<Record<string, string>> | undefined,
  key: string,
): string | undefined {
  return queues && Object.hasOwn(queues, key) ? queues[key] : undefined;
}

function describeValue(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}
