import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { traceCarrierOf, type RunScope, type TracingWrapperOptions } from '@courier-nest/core/internal';
import type { Message } from '../interfaces/message.interface';
import type { ProcessOutcome } from '../interfaces/processor.interface';

export const CONSUMER_TRACER = '@courier-nest/consumer';

/**
 * The consumer's spans for the tracing wrapper: `process <queue>`, a child of the
 * producer's span (the message's `traceparent`), active while the processor runs. A
 * message without a traceparent is not parsed at all (the hot path).
 */
export function processTracing(
  queue: string,
): TracingWrapperOptions<Message, RunScope, ProcessOutcome | void> {
  return {
    tracer: CONSUMER_TRACER,
    carrierOf: ({ context }) =>
      context.traceparent === undefined ? null : traceCarrierOf(context.traceparent, context.tracestate),
    spanOf: (message) => {
      const attributes: Attributes = {
        'messaging.operation.type': 'process',
        'messaging.message.id': message.id,
        'courier.consumer.queue': queue,
        'courier.consumer.attempt': message.attempt,
      };
      if (message.context.correlationId)
        attributes['messaging.message.conversation_id'] = message.context.correlationId;
      return { name: `process ${queue}`, attributes };
    },
    annotate: (span, outcome) => {
      if (!outcome || outcome.kind === 'ack') return;
      span.setAttribute('courier.consumer.outcome', outcome.kind);
      if (outcome.kind === 'reject') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason });
    },
  };
}
