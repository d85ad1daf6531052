import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { traceCarrierOf } from '../tracing/trace-propagation';
import { handlerPipeline, type PipelineStep } from './handler-pipeline';
import { tracingWrapper, type TracingWrapperOptions } from './tracing.wrapper';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRODUCER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PRODUCER_SPAN}-01`;
const exporter = new InMemorySpanExporter();

interface Job {
  id: string;
  traceparent?: string;
}

const spans: TracingWrapperOptions<Job, object, string> = {
  tracer: '@courier-nest/test',
  carrierOf: (job) => traceCarrierOf(job.traceparent),
  spanOf: (job) => ({ name: 'process jobs', attributes: { 'messaging.message.id': job.id } }),
  annotate: (span, result) => {
    if (result === 'rejected') span.setStatus({ code: SpanStatusCode.ERROR, message: result });
  },
};
const traced = (handler: PipelineStep<Job, object, string>) =>
  handlerPipeline(handler).wrap(tracingWrapper(spans)).step;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
});

afterAll(() => {
  trace.disable();
  context.disable();
});

beforeEach(() => exporter.reset());
afterEach(() => jest.restoreAllMocks());

describe('tracingWrapper', () => {
  it('runs the step as it is, without the context API, when the input has no trace context', () => {
    const getTracer = jest.spyOn(trace, 'getTracer');
    const withContext = jest.spyOn(context, 'with');
    const spanOf = jest.spyOn(spans, 'spanOf');
    expect(traced((job) => job.id)({ id: 'm-1' }, {})).toBe('m-1');
    expect(getTracer).not.toHaveBeenCalled();
    expect(withContext).not.toHaveBeenCalled();
    expect(spanOf).not.toHaveBeenCalled();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it("runs the step in a span whose remote parent is the producer's, active across awaits", async () => {
    let inside: ReturnType<typeof trace.getSpanContext>;
    const step = traced(async (job) => {
      await new Promise((resolve) => setImmediate(resolve));
      inside = trace.getSpanContext(context.active());
      return job.id;
    });
    await expect(step({ id: 'm-1', traceparent: TRACEPARENT }, {})).resolves.toBe('m-1');
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({
      name: 'process jobs',
      kind: SpanKind.CONSUMER,
      instrumentationScope: { name: '@courier-nest/test' },
      attributes: { 'messaging.message.id': 'm-1' },
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.parentSpanContext).toMatchObject({
      traceId: TRACE_ID,
      spanId: PRODUCER_SPAN,
      isRemote: true,
    });
    expect(inside).toEqual(span.spanContext());
  });

  it('on the root context, not whatever span was active where the run started', async () => {
    const other = trace.getTracer('other').startSpan('loop');
    await context.with(trace.setSpan(context.active(), other), () =>
      traced(async (job) => job.id)({ id: 'm-1', traceparent: TRACEPARENT }, {}),
    );
    other.end();
    const span = exporter.getFinishedSpans().find((s) => s.name === 'process jobs')!;
    expect(span.parentSpanContext?.spanId).toBe(PRODUCER_SPAN);
  });

  it('lets annotate mark the span from the result', async () => {
    await traced(async () => 'rejected')({ id: 'm-1', traceparent: TRACEPARENT }, {});
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'rejected' });
  });

  it('records a rejection on the span and passes it on', async () => {
    const boom = new Error('boom');
    const step = traced(async () => {
      throw boom;
    });
    await expect(step({ id: 'm-1', traceparent: TRACEPARENT }, {})).rejects.toBe(boom);
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Error: boom' });
    expect(span.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('makes a span of the given kind', async () => {
    const step = handlerPipeline(async (job: Job, _scope: object) => job.id).wrap(
      tracingWrapper({ ...spans, kind: SpanKind.INTERNAL }),
    ).step;
    await step({ id: 'm-1', traceparent: TRACEPARENT }, {});
    expect(exporter.getFinishedSpans()[0].kind).toBe(SpanKind.INTERNAL);
  });
});
