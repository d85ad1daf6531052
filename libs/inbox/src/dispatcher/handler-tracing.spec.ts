import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { JsonCodec } from '@courier-nest/core';
import type { DataSource } from 'typeorm';
import type { RegisteredHandler } from '../inbox.registry';
import type { ClaimedWork, InboxStore } from '../inbox.store';
import type { InboxHandlerFn } from '../interfaces/inbox-handler.interface';
import { HandlerRunner } from './handler-runner';
import { INBOX_TRACER } from './handler-tracing';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PRODUCER_SPAN = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${PRODUCER_SPAN}-01`;

const work: ClaimedWork = {
  messageId: 'm-1',
  handlerKey: 'reserve_stock',
  rowId: '(0,1)',
  attempt: 2,
  leaseToken: '7',
  eventType: 'order_events',
  type: 'order_created',
  payload: '{}',
  headers: { traceparent: TRACEPARENT, 'x-correlation-id': 'req-42' },
  occurredAt: null,
  receivedAt: new Date(),
};
const exporter = new InMemorySpanExporter();
const runner = new HandlerRunner({} as InboxStore, {} as DataSource, new JsonCodec());
const handler = (handle: InboxHandlerFn): RegisteredHandler => ({
  eventType: 'order_events',
  handlerKey: 'reserve_stock',
  options: {},
  source: 'Stock.reserve',
  handle,
});

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

describe('HandlerRunner, the trace a handler runs in', () => {
  it('runs the attempt as it is, without the context API, when the message has no trace context', async () => {
    const getTracer = jest.spyOn(trace, 'getTracer');
    const withContext = jest.spyOn(context, 'with');
    const untraced = { ...work, headers: { 'x-correlation-id': 'req-42' } };
    let inside: ReturnType<typeof trace.getSpanContext> | null = null;
    const result = await runner.run(
      untraced,
      handler(() => void (inside = trace.getSpanContext(context.active()))),
      1_000,
    );
    expect(result).toEqual({ outcome: 'done', committed: false });
    expect(inside).toBeUndefined();
    expect(getTracer).not.toHaveBeenCalled();
    expect(withContext).not.toHaveBeenCalled();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    jest.restoreAllMocks();
  });

  it("runs the handler in a span whose parent is the producer's, with the message's attributes", async () => {
    let inside: ReturnType<typeof trace.getSpanContext>;
    const handle = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      inside = trace.getSpanContext(context.active());
    };
    await runner.run(work, handler(handle), 1_000);
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({
      name: 'inbox order_events reserve_stock',
      kind: SpanKind.CONSUMER,
      instrumentationScope: { name: INBOX_TRACER },
      attributes: {
        'messaging.operation.type': 'process',
        'messaging.destination.name': 'order_events',
        'messaging.message.id': 'm-1',
        'messaging.message.conversation_id': 'req-42',
        'courier.inbox.handler_key': 'reserve_stock',
        'courier.inbox.attempt': 2,
      },
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.parentSpanContext).toMatchObject({
      traceId: TRACE_ID,
      spanId: PRODUCER_SPAN,
      isRemote: true,
    });
    expect(inside).toEqual(span.spanContext());
  });

  it('marks the span as an error when the attempt failed', async () => {
    const never = handler(() => new Promise(() => undefined));
    await expect(runner.run(work, never, 10)).resolves.toEqual({
      outcome: 'failed',
      reason: 'timeout',
      error: 'timed out after 10 ms',
    });
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'timed out after 10 ms' });
    expect(span.attributes['courier.inbox.failure']).toBe('timeout');
  });
});
