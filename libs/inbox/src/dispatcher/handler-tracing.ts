import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { WireHeaders } from '@courier-nest/core';
import type { TracingWrapperOptions } from '@courier-nest/core/internal';
import type { ClaimedWork } from '../inbox.store';
import type { RunResult } from './handler-outcome.wrapper';
import type { HandlerScope } from './handler-scope';

export const INBOX_TRACER = '@courier-nest/inbox';

/**
 * The inbox's spans for the tracing wrapper: `inbox <eventType> <handlerKey>`, a child
 * of the producer's span (stored with the message), active while the handler runs, so
 * what the handler publishes through the outbox carries the same trace id. A failed
 * attempt is a result, not a rejection: the span is marked by hand.
 */
export const handlerTracing: TracingWrapperOptions<ClaimedWork, HandlerScope, RunResult> = {
  tracer: INBOX_TRACER,
  carrierOf: (_work, scope) => scope.trace,
  spanOf: (work) => {
    const attributes: Attributes = {
      'messaging.operation.type': 'process',
      'messaging.destination.name': work.eventType,
      'messaging.message.id': work.messageId,
      'courier.inbox.handler_key': work.handlerKey,
      'courier.inbox.attempt': work.attempt,
    };
    const correlationId = work.headers[WireHeaders.correlationId];
    if (correlationId) attributes['messaging.message.conversation_id'] = correlationId;
    return { name: `inbox ${work.eventType} ${work.handlerKey}`, attributes };
  },
  annotate: (span, result) => {
    if (result.outcome === 'done') return;
    span.setAttribute('courier.inbox.failure', result.reason);
    span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
  },
};
