import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { WireHeaders } from '@courier-nest/core';
import { contextFromTraceCarrier, runInSpan, type TraceCarrier } from '@courier-nest/core/internal';
import type { ClaimedWork } from '../inbox.store';
import type { RunResult } from './handler-runner';

export const INBOX_TRACER = '@courier-nest/inbox';

/**
 * Runs one handler attempt in its message's trace: the producer's span context (stored
 * with the message) becomes the remote parent of a span `inbox <eventType> <handlerKey>`,
 * active while the handler runs. What the handler publishes through the outbox then
 * carries the same trace id. Without a traceparent the attempt runs as it is, without
 * touching the context API.
 */
export function traceHandlerRun(
  work: ClaimedWork,
  carrier: TraceCarrier | null,
  run: () => Promise<RunResult>,
): Promise<RunResult> {
  if (!carrier) return run();
  const attributes: Attributes = {
    'messaging.operation.type': 'process',
    'messaging.destination.name': work.eventType,
    'messaging.message.id': work.messageId,
    'courier.inbox.handler_key': work.handlerKey,
    'courier.inbox.attempt': work.attempt,
  };
  const correlationId = work.headers[WireHeaders.correlationId];
  if (correlationId) attributes['messaging.message.conversation_id'] = correlationId;
  return runInSpan(
    contextFromTraceCarrier(carrier),
    {
      tracer: INBOX_TRACER,
      name: `inbox ${work.eventType} ${work.handlerKey}`,
      kind: SpanKind.CONSUMER,
      attributes,
    },
    async (span) => {
      const result = await run();
      // A failed attempt is a result here, not a rejection: mark the span by hand.
      if (result.outcome !== 'done') {
        span.setAttribute('courier.inbox.failure', result.reason);
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
      }
      return result;
    },
  );
}
