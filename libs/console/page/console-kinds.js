// The three dead lists the console shows, described as data for console.js (loaded before it):
// where each lists and acts, how a row is keyed and shown, and how it pages.
'use strict';

window.CourierConsoleKinds = Object.freeze({
  outbox: {
    noun: 'dead outbox message',
    verb: 'Requeue',
    done: 'Requeued',
    list: 'api/outbox/dead',
    replay: 'api/outbox/dead/requeue',
    purge: 'api/outbox/dead/purge',
    result: 'requeued',
    paging: 'cursor',
    // form field → query parameter (and filter key in an "all matching" body)
    filters: { destination: 'destination', type: 'type', error: 'error' },
    key: (m) => m.id,
    ref: (m) => m.id,
    selection: (ids) => ({ ids }),
    everything: (filter) => ({ all: true, filter }),
    attrs: (m) => ({ 'data-message-id': m.id, 'data-destination': m.destination }),
    ids: (m) => [
      ['id', m.id],
      ['destination', m.destination],
      ['key', m.key],
      ['correlation', m.correlationId],
      ['causation', m.causationId],
      ['trace', m.traceId],
      ['source', m.source],
    ],
    type: (m) => m.type,
    attempts: (m) => String(m.attempts),
    times: (m) => [
      ['occurred', m.occurredAt],
      ['created', m.createdAt],
      ['dead', m.deadAt],
    ],
    error: (m) => m.lastError,
  },

  inbox: {
    noun: 'dead inbox handler run',
    verb: 'Replay',
    done: 'Replayed',
    list: 'api/inbox/dead',
    replay: 'api/inbox/dead/replay',
    purge: 'api/inbox/dead/purge',
    result: 'replayed',
    paging: 'cursor',
    filters: { type: 'eventType', handlerKey: 'handlerKey', error: 'error' },
    // A message id alone is not a run: each of its handlers has its own state.
    key: (m) => `${m.messageId}\n${m.handlerKey}`,
    ref: (m) => ({ messageId: m.messageId, handlerKey: m.handlerKey }),
    selection: (runs) => ({ runs }),
    everything: (filter) => ({ all: true, filter }),
    attrs: (m) => ({ 'data-message-id': m.messageId, 'data-handler-key': m.handlerKey }),
    ids: (m) => [
      ['message', m.messageId],
      ['handler', m.handlerKey],
      ['trace', m.traceId],
    ],
    type: (m) => (m.messageType ? `${m.eventType} / ${m.messageType}` : m.eventType),
    attempts: (m) => `${m.attempts} of ${m.maxAttempts}`,
    times: (m) => [
      ['occurred', m.occurredAt],
      ['received', m.receivedAt],
      ['dead', m.deadAt],
    ],
    error: (m) => m.lastError,
  },

  consumer: {
    noun: 'dead letter',
    verb: 'Requeue',
    done: 'Requeued',
    list: 'api/consumer/dead',
    replay: 'api/consumer/dead/requeue',
    purge: 'api/consumer/dead/purge',
    result: 'requeued',
    paging: 'offset',
    filters: { queue: 'queue', error: 'error' },
    key: (m) => m.messageId,
    ref: (m) => m.messageId,
    selection: (messageIds, state) => ({ queue: state.filters.queue, messageIds }),
    // The API's "all" takes the whole queue; console.js refuses it while an error filter is set.
    everything: (_filter, state) => ({ queue: state.filters.queue, all: true }),
    attrs: (m) => ({ 'data-message-id': m.messageId, 'data-queue': m.queue }),
    ids: (m) => [
      ['message', m.messageId],
      ['queue', m.originalQueue || m.queue],
      ['dead-letter queue', m.deadLetterQueue],
      ['position', m.position],
    ],
    type: (m) => m.type,
    attempts: (m) => String(m.attempts ?? '–'),
    times: (m) => [['dead', m.deadLetteredAt]],
    error: (m) => m.reason,
  },
});
