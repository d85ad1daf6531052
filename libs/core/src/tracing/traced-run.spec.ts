import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { contextFromTraceCarrier } from './trace-propagation';
import { runInSpan } from './traced-run';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT = contextFromTraceCarrier({
  traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01`,
  tracestate: null,
});
const spec = { tracer: 'test', name: 'work', kind: SpanKind.CONSUMER, attributes: { a: 1 } };
const tick = () => new Promise((resolve) => setImmediate(resolve));

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});

afterAll(() => {
  context.disable();
});

describe('runInSpan without an SDK', () => {
  it('runs fn with the parent span context active across awaits', async () => {
    const seen = await runInSpan(PARENT, spec, async () => {
      await tick();
      return trace.getSpanContext(context.active());
    });
    expect(seen).toMatchObject({ traceId: TRACE_ID, spanId: 'b7ad6b7169203331' });
    expect(trace.getSpanContext(context.active())).toBeUndefined();
  });

  it('passes the result and a rejection through', async () => {
    await expect(runInSpan(PARENT, spec, async () => 42)).resolves.toBe(42);
    await expect(
      runInSpan(PARENT, spec, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});

describe('runInSpan with an SDK', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
  });

  afterAll(() => {
    trace.disable();
  });

  beforeEach(() => exporter.reset());

  it('starts a child of the remote parent, active while fn runs, ended after it', async () => {
    const inside = await runInSpan(PARENT, spec, async () => {
      await tick();
      return trace.getSpanContext(context.active())!;
    });
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({
      name: 'work',
      kind: SpanKind.CONSUMER,
      attributes: { a: 1 },
      ended: true,
      instrumentationScope: { name: 'test' },
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.parentSpanContext).toMatchObject({ spanId: 'b7ad6b7169203331', isRemote: true });
    expect(span.spanContext()).toMatchObject({ traceId: TRACE_ID, spanId: inside.spanId });
    expect(inside.spanId).not.toBe('b7ad6b7169203331');
  });

  it('records a rejection as an exception event and an error status', async () => {
    await expect(
      runInSpan(PARENT, spec, async () => {
        throw new TypeError('bad input');
      }),
    ).rejects.toThrow('bad input');
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'TypeError: bad input' });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('ignores whatever was active outside: the parent is the one given', async () => {
    const other = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: 'ffffffffffffffffffffffffffffffff',
      spanId: 'ffffffffffffffff',
      traceFlags: 1,
    });
    await context.with(other, () => runInSpan(PARENT, spec, async () => undefined));
    expect(exporter.getFinishedSpans()[0].spanContext().traceId).toBe(TRACE_ID);
  });
});
