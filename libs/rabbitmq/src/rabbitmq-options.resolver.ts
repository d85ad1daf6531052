import { InvalidOptionError } from '@courier-nest/core';
import { OptionChecks } from '@courier-nest/core/internal';
import type { CourierRabbitMQOptions, RabbitMQInboxOptions } from './interfaces';

export interface ResolvedRabbitMQOptions {
  uri: string;
  connectionName: string;
  declareExchanges: boolean;
  confirmTimeoutMs: number;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  inbox: Required<RabbitMQInboxOptions>;
}

export const RESOLVED_RABBITMQ_OPTIONS = Symbol.for('courier:rabbitmq-resolved-options');

export function resolveRabbitMQOptions(options: CourierRabbitMQOptions): ResolvedRabbitMQOptions {
  const uri = options?.uri;
  let protocol = '';
  try {
    protocol = new URL(uri).protocol;
  } catch {
    // reported below, without echoing the value (it may hold a password)
  }
  if (typeof uri !== 'string' || (protocol !== 'amqp:' && protocol !== 'amqps:')) {
    throw new InvalidOptionError(
      'uri',
      'Option "uri" must be an amqp:// or amqps:// URL, e.g. amqp://guest:guest@localhost:5672.',
    );
  }
  const confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
  if (!Number.isInteger(confirmTimeoutMs) || confirmTimeoutMs < 10) {
    throw new InvalidOptionError(
      'confirmTimeoutMs',
      `Option "confirmTimeoutMs" must be an integer >= 10; got ${confirmTimeoutMs}.`,
    );
  }
  const initialDelayMs = options.reconnect?.initialDelayMs ?? 100;
  const maxDelayMs = options.reconnect?.maxDelayMs ?? 10_000;
  if (!(initialDelayMs > 0 && maxDelayMs >= initialDelayMs)) {
    throw new InvalidOptionError('reconnect', 'Option "reconnect" needs 0 < initialDelayMs <= maxDelayMs.');
  }
  return {
    uri,
    connectionName: options.connectionName ?? process.env.npm_package_name ?? 'courier',
    declareExchanges: options.declareExchanges ?? true,
    confirmTimeoutMs,
    reconnect: { initialDelayMs, maxDelayMs },
    inbox: resolveInbox(options.inbox ?? {}),
  };
}

function resolveInbox(inbox: RabbitMQInboxOptions): Required<RabbitMQInboxOptions> {
  const prefetch = inbox.prefetch ?? 500;
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 65_535) {
    throw new InvalidOptionError(
      'inbox.prefetch',
      `Option "inbox.prefetch" must be an integer from 1 to 65535; got ${prefetch}.`,
    );
  }
  const queueType = inbox.queueType ?? 'classic';
  if (queueType !== 'classic' && queueType !== 'quorum') {
    throw new InvalidOptionError(
      'inbox.queueType',
      `Option "inbox.queueType" must be "classic" or "quorum"; got ${JSON.stringify(queueType)}.`,
    );
  }
  const deliveryLimit = inbox.deliveryLimit ?? 20;
  if (!Number.isInteger(deliveryLimit) || deliveryLimit < 1) {
    throw new InvalidOptionError(
      'inbox.deliveryLimit',
      `Option "inbox.deliveryLimit" must be an integer >= 1; got ${deliveryLimit}.`,
    );
  }
  return {
    enabled: inbox.enabled ?? true,
    prefetch,
    queueType,
    deliveryLimit,
    queueName: inbox.queueName ?? ((service, eventType) => `${service}.${eventType}`),
    storeRetryDelayMs: OptionChecks.integer(
      'inbox.storeRetryDelayMs',
      inbox.storeRetryDelayMs ?? 1_000,
      10,
      60_000,
    ),
  };
}
