import type { Message, MessageAttributes } from '@courier-nest/consumer';
import type { ProcessContext } from '@courier-nest/consumer';

/** A delivery for worker specs: settling is not the workers' business, so those methods throw. */
export function fakeMessage(
  payload: Buffer | string,
  overrides: { id?: string; attempt?: number; source?: string; attributes?: Partial<MessageAttributes> } = {},
): Message {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const unexpected = () => Promise.reject(new Error('workers return outcomes; they never settle messages'));
  return {
    id: overrides.id ?? 'msg-1',
    source: overrides.source ?? 'jobs',
    payload: body,
    attempt: overrides.attempt ?? 1,
    attributes: {
      headers: {},
      exchange: 'events',
      routingKey: 'job.created',
      redelivered: false,
      ...overrides.attributes,
    },
    context: {},
    decode: <T>() => JSON.parse(body.toString('utf8')) as T,
    ack: unexpected,
    nack: unexpected,
    retry: unexpected,
    deadLetter: unexpected,
  };
}

/** A context whose signal never aborts unless the spec aborts `controller`. */
export function fakeContext(controller = new AbortController()): ProcessContext {
  return { signal: controller.signal };
}
