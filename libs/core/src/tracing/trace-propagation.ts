import {
  context,
  createTraceState,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';
import { isValidTraceparent } from '../envelope/trace-context';
import { WireHeaders } from '../envelope/wire-headers';

/** W3C trace context as Courier stores it with a message and sends it in AMQP headers. */
export interface TraceCarrier {
  /** `00-<trace id>-<parent span id>-<flags>`, always well formed. */
  traceparent: string;
  tracestate: string | null;
}

/** Longest `tracestate` a message keeps: the outbox's check on the field. */
export const MAX_TRACESTATE_LENGTH = 512;

/**
 * The W3C trace context of `ctx` (default: the active one), or null when no valid span
 * context is in it. Costs one lookup when nothing is traced.
 *
 * The registered propagator is asked first, so an SDK's W3C propagator decides what is
 * written. Without an SDK the global propagator is a no-op, and an SDK may register
 * only B3 or Jaeger: then the span context is formatted here, so a span made active
 * through the API alone (`trace.setSpanContext`) still travels.
 */
export function captureTraceContext(ctx: Context = context.active()): TraceCarrier | null {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !isSpanContextValid(spanContext)) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const injected = carrier[WireHeaders.traceparent];
  if (typeof injected === 'string' && isValidTraceparent(injected)) {
    return { traceparent: injected, tracestate: fitTracestate(carrier[WireHeaders.tracestate]) };
  }
  const traceparent = formatTraceparent(spanContext);
  if (!isValidTraceparent(traceparent)) return null;
  return { traceparent, tracestate: fitTracestate(spanContext.traceState?.serialize()) };
}

/**
 * The stored pair if `traceparent` is well formed, else null: what came off the wire
 * is checked before anything is built from it. A `tracestate` without a valid
 * `traceparent` means nothing and is dropped.
 */
export function traceCarrierOf(
  traceparent: string | null | undefined,
  tracestate?: string | null,
): TraceCarrier | null {
  if (typeof traceparent !== 'string' || !isValidTraceparent(traceparent)) return null;
  return { traceparent, tracestate: fitTracestate(tracestate) };
}

/**
 * A context whose span context is the message producer's, as a remote parent, on the
 * root context: a handler's trace is its message's, never whatever happened to be
 * active in the loop that runs it.
 *
 * Built from the W3C string directly rather than through `propagation.extract`: the
 * stored value is W3C whatever propagator the SDK registered, and without an SDK
 * extract is a no-op. The result is what the W3C propagator would extract.
 */
export function contextFromTraceCarrier(carrier: TraceCarrier): Context {
  const { traceparent, tracestate } = carrier;
  const spanContext: SpanContext = {
    traceId: traceparent.slice(3, 35),
    spanId: traceparent.slice(36, 52),
    traceFlags: parseInt(traceparent.slice(53, 55), 16),
    isRemote: true,
  };
  if (tracestate) spanContext.traceState = createTraceState(tracestate);
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  // The API accepts upper-case hex ids; W3C (and the outbox's check) wants lower case.
  return `00-${spanContext.traceId.toLowerCase()}-${spanContext.spanId.toLowerCase()}-${flags}`;
}

/**
 * Keeps a tracestate within MAX_TRACESTATE_LENGTH by dropping whole list members from
 * the right, as W3C allows (the left-most members are the most recent), rather than
 * failing a publish the caller never gave a tracestate to.
 */
function fitTracestate(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed.length <= MAX_TRACESTATE_LENGTH) return trimmed.length > 0 ? trimmed : null;
  const kept: string[] = [];
  let length = 0;
  for (const member of trimmed.split(',')) {
    const entry = member.trim();
    if (entry.length === 0) continue;
    const next = length + (kept.length > 0 ? 1 : 0) + entry.length;
    if (next > MAX_TRACESTATE_LENGTH) break;
    kept.push(entry);
    length = next;
  }
  return kept.length > 0 ? kept.join(',') : null;
}
