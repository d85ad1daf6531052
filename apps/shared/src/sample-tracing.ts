import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * The two pieces of an OpenTelemetry SDK that carry a trace through the sample: an
 * async-local context manager and the W3C propagator. A service with a real SDK
 * (`@opentelemetry/sdk-node` with HTTP instrumentation) has both, plus exporters, and
 * needs neither this nor the middleware below. Courier itself only uses the API.
 */
export function registerSampleTracing(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/**
 * Express middleware: the request's `traceparent` becomes the active context for the
 * rest of the request, as HTTP instrumentation would make it. The outbox then stores
 * it with every message the request publishes.
 */
export function traceContextMiddleware(
  request: { headers: IncomingHttpHeaders },
  _response: unknown,
  next: () => void,
): void {
  context.with(propagation.extract(ROOT_CONTEXT, request.headers), next);
}
