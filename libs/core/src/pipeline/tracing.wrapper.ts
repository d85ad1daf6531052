import { SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import { contextFromTraceCarrier, type TraceCarrier } from '../tracing/trace-propagation';
import { runInSpan } from '../tracing/traced-run';
import type { PipelineStep, PipelineWrapper } from './handler-pipeline';

export interface TracingWrapperOptions<I, S, R> {
  /** Instrumentation scope: the tracer's name, e.g. `@courier-nest/inbox`. */
  tracer: string;
  /** @default SpanKind.CONSUMER */
  kind?: SpanKind;
  /**
   * The message's W3C trace context, or null. Keep it cheap: it is asked for every run,
   * and a run without one never touches the context API (the hot path).
   */
  carrierOf(input: I, scope: S): TraceCarrier | null;
  /** The span's name and attributes; asked only for a traced run. */
  spanOf(input: I, scope: S): { name: string; attributes: Attributes };
  /**
   * Marks the span from the run's result before it ends, e.g. a failure the step
   * returns rather than throws. A rejection is recorded on the span already.
   */
  annotate?(span: Span, result: R): void;
}

/**
 * Runs the step in its message's trace: the producer's span context (the stored or
 * received `traceparent`) becomes the remote parent of a new span, active while the
 * step runs, so what the handler publishes continues the trace. The parent is set on
 * the root context: a handler's trace is its message's, never whatever happened to be
 * active in the loop that runs it.
 */
export function tracingWrapper<I, S, R>(options: TracingWrapperOptions<I, S, R>): PipelineWrapper<I, S, R> {
  const kind = options.kind ?? SpanKind.CONSUMER;
  const annotate = options.annotate;
  return (next: PipelineStep<I, S, R>) =>
    (input: I, scope: S): R | Promise<R> => {
      const carrier = options.carrierOf(input, scope);
      if (!carrier) return next(input, scope);
      const { name, attributes } = options.spanOf(input, scope);
      return runInSpan(
        contextFromTraceCarrier(carrier),
        { tracer: options.tracer, name, kind, attributes },
        async (span) => {
          const result = await next(input, scope);
          annotate?.(span, result);
          return result;
        },
      );
    };
}
