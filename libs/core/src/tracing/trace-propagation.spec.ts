import {
  context,
  createTraceState,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type SpanContext,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  captureTraceContext,
  contextFromTraceCarrier,
  MAX_TRACESTATE_LENGTH,
  traceCarrierOf,
} from './trace-propagation';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

const withSpan = (spanContext: Partial<SpanContext> = {}) =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    ...spanContext,
  });

afterEach(() => {
  propagation.disable();
  context.disable();
});

describe('captureTraceContext', () => {
  it('returns null when no span context is active (no SDK, nothing set)', () => {
    expect(captureTraceContext()).toBeNull();
    expect(captureTraceContext(ROOT_CONTEXT)).toBeNull();
  });

  it('returns null for an invalid span context', () => {
    expect(captureTraceContext(withSpan({ traceId: '0'.repeat(32) }))).toBeNull();
  });

  it('formats the span context itself when no propagator is registered', () => {
    expect(captureTraceContext(withSpan())).toEqual({ traceparent: TRACEPARENT, tracestate: null });
    expect(captureTraceContext(withSpan({ traceFlags: TraceFlags.NONE }))).toEqual({
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-00`,
      tracestate: null,
    });
  });

  it('keeps the trace state and lower-cases ids the API accepts in upper case', () => {
    const ctx = withSpan({
      traceId: TRACE_ID.toUpperCase(),
      spanId: SPAN_ID.toUpperCase(),
      traceState: createTraceState('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7'),
    });
    expect(captureTraceContext(ctx)).toEqual({
      traceparent: TRACEPARENT,
      tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
    });
  });

  it('uses what the registered W3C propagator injects', () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const injectSpy = jest.spyOn(W3CTraceContextPropagator.prototype, 'inject');
    const ctx = withSpan({ traceState: createTraceState('vendor=a') });
    expect(captureTraceContext(ctx)).toEqual({ traceparent: TRACEPARENT, tracestate: 'vendor=a' });
    expect(injectSpy).toHaveBeenCalledTimes(1);
    injectSpy.mockRestore();
  });

  it('falls back to the span context when the propagator writes no traceparent (B3-only SDK)', () => {
    propagation.setGlobalPropagator({
      inject: (_ctx, carrier: Record<string, string>) => void (carrier.b3 = `${TRACE_ID}-${SPAN_ID}-1`),
      extract: (ctx) => ctx,
      fields: () => ['b3'],
    });
    expect(captureTraceContext(withSpan())).toEqual({ traceparent: TRACEPARENT, tracestate: null });
  });

  it('reads the active context by default, with a context manager registered', () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    expect(captureTraceContext()).toBeNull();
    const captured = context.with(withSpan(), async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return captureTraceContext();
    });
    return expect(captured).resolves.toEqual({ traceparent: TRACEPARENT, tracestate: null });
  });
});

describe('traceCarrierOf', () => {
  it('keeps a well-formed traceparent with its tracestate', () => {
    expect(traceCarrierOf(TRACEPARENT, 'a=1')).toEqual({ traceparent: TRACEPARENT, tracestate: 'a=1' });
    expect(traceCarrierOf(TRACEPARENT)).toEqual({ traceparent: TRACEPARENT, tracestate: null });
    expect(traceCarrierOf(TRACEPARENT, '  ')).toEqual({ traceparent: TRACEPARENT, tracestate: null });
  });

  it(`drops whole tracestate members from the right to fit ${MAX_TRACESTATE_LENGTH} characters`, () => {
    // 32 members of 30 characters: 991 characters in all (the API's own parser would
    // drop such a state whole; a header off the wire can carry it).
    const members = Array.from({ length: 32 }, (_, i) => `v${String(i).padStart(2, '0')}=${'x'.repeat(26)}`);
    const { tracestate } = traceCarrierOf(TRACEPARENT, members.join(' , '))!;
    expect(tracestate!.length).toBeLessThanOrEqual(MAX_TRACESTATE_LENGTH);
    expect(tracestate).toBe(members.slice(0, 16).join(','));
  });

  it.each([undefined, null, '', 'garbage', TRACEPARENT.toUpperCase(), `00-${'0'.repeat(32)}-${SPAN_ID}-01`])(
    'returns null for %j, whatever the tracestate',
    (value) => {
      expect(traceCarrierOf(value, 'a=1')).toBeNull();
    },
  );
});

describe('contextFromTraceCarrier', () => {
  it('makes the producer span context a remote parent on the root context', () => {
    const ctx = contextFromTraceCarrier({ traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE' });
    const spanContext = trace.getSpanContext(ctx)!;
    expect(spanContext).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(spanContext.traceState?.serialize()).toBe('congo=t61rcWkgMzE');
  });

  it('keeps the sampled flag off when the producer did not sample', () => {
    const ctx = contextFromTraceCarrier({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-00`, tracestate: null });
    expect(trace.getSpanContext(ctx)).toMatchObject({ traceFlags: TraceFlags.NONE });
    expect(trace.getSpanContext(ctx)!.traceState).toBeUndefined();
  });

  it('round-trips: what is restored is captured again unchanged', () => {
    const carrier = { traceparent: TRACEPARENT, tracestate: 'a=1,b=2' };
    expect(captureTraceContext(contextFromTraceCarrier(carrier))).toEqual(carrier);
  });

  it('gives what the W3C propagator would extract', () => {
    const carrier = { traceparent: TRACEPARENT, tracestate: 'a=1' };
    const extracted = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, carrier, {
      get: (c, key) => (c as Record<string, string>)[key],
      keys: (c) => Object.keys(c as object),
    });
    const ours = trace.getSpanContext(contextFromTraceCarrier(carrier))!;
    const theirs = trace.getSpanContext(extracted)!;
    expect({ ...ours, traceState: ours.traceState?.serialize() }).toEqual({
      ...theirs,
      traceState: theirs.traceState?.serialize(),
    });
  });
});
