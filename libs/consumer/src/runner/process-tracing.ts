import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { contextFromTraceCarrier, runInSpan, traceCarrierOf } from '@courier-nest/core/internal';
import type { Message } from '../interfaces/message.interface';
import type { ProcessOutcome } from '../interfaces/processor.interface';

export const CONSUMER_TRACER = '@courier-nest/consumer';

type Result = ProcessOutcome | void;

/**
 * Runs a processor in its message's trace: the producer's span context (the
 * `traceparent` header) becomes the remote parent of a span `process <queue>`, active
 * while the processor runs, so what it publishes continues the trace. Callers skip this
 * for messages without a traceparent: the hot path never touches the context API.
 */
export function traceProcess(
  message: Message,
  queue: string,
  run: () => Result | Promise<Result>,
): Result | Promise<Result> {
  const carrier = traceCarrierOf(message.context.traceparent, message.context.tracestate);
  if (!carrier) return run();
  const attributes: Attributes = {
    'messaging.operation.type': 'process',
    'messaging.message.id': message.id,
    'courier.consumer.queue': queue,
    'courier.consumer.attempt': message.attempt,
  };
  if (message.context.correlationId)
    attributes['messaging.message.conversation_id'] = message.context.correlationId;
  return runInSpan(
    contextFromTraceCarrier(carrier),
    { tracer: CONSUMER_TRACER, name: `process ${queue}`, kind: SpanKind.CONSUMER, attributes },
    async (span) => {
      const outcome = await run();
      if (outcome && outcome.kind !== 'ack') {
        span.setAttribute('courier.consumer.outcome', outcome.kind);
        if (outcome.kind === 'reject')
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason });
      }
      return outcome;
    },
  );
}
