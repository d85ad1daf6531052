import {
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanKind,
} from '@opentelemetry/api';

export interface SpanSpec {
  /** Instrumentation scope: the tracer's name, e.g. `@courier-nest/inbox`. */
  tracer: string;
  name: string;
  kind?: SpanKind;
  attributes?: Attributes;
}

/**
 * Runs `fn` inside `parent` with a new span active: a child of the span context in
 * `parent`. The span ends when `fn`'s promise settles; a rejection is recorded on it
 * and rethrown. Without an SDK the span is a non-recording one that carries the
 * parent's span context, so trace ids still reach what `fn` publishes, provided a
 * context manager is registered (without one, no context crosses an `await`).
 */
export function runInSpan<T>(parent: Context, spec: SpanSpec, fn: (span: Span) => Promise<T>): Promise<T> {
  // Asked per run, not cached: an SDK registered after bootstrap (or replaced in tests)
  // is then used; an SDK's getTracer is a map lookup.
  const tracer = trace.getTracer(spec.tracer);
  return tracer.startActiveSpan(
    spec.name,
    { kind: spec.kind, attributes: spec.attributes },
    parent,
    async (span): Promise<T> => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: describe(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
