import type { LoggerService } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { MessageLogContext, type MessageLogFields } from '@courier-nest/core';
import type { Message } from '../interfaces/message.interface';
import { Outcome, type Processor } from '../interfaces/processor.interface';
import { InMemoryBroker } from '../memory/in-memory.broker';
import { ConsumerRunner } from './consumer.runner';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRODUCER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PRODUCER_SPAN}-01`;
const exporter = new InMemorySpanExporter();

/** A logger that notes the message log fields current at each line. */
class FieldsLogger implements LoggerService {
  readonly lines: Array<{ text: string; fields: MessageLogFields | undefined }> = [];
  log = (text: string) => void this.lines.push({ text, fields: MessageLogContext.current() });
  warn = this.log;
  error = this.log;
}

interface Seen {
  message: Message;
  span: SpanContext | undefined;
  fields: MessageLogFields | undefined;
}

async function consume(
  publish: (broker: InMemoryBroker) => void,
  count: number,
  processor: Processor = () => undefined,
  logger = new FieldsLogger(),
): Promise<Seen[]> {
  const broker = new InMemoryBroker();
  const seen: Seen[] = [];
  const runner = new ConsumerRunner(
    broker.consumerFactory('jobs'),
    async (message, scope) => {
      await new Promise((resolve) => setImmediate(resolve));
      seen.push({
        message,
        span: trace.getSpanContext(context.active()),
        fields: MessageLogContext.current(),
      });
      return processor(message, scope);
    },
    { concurrency: 4, logger, maxAttempts: 1 },
  );
  runner.start();
  publish(broker);
  const deadline = Date.now() + 5_000;
  while (seen.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  await runner.stop();
  broker.close();
  return seen;
}

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  MessageLogContext.current(); // as a logger's mixin would, at its first line
});

afterAll(() => {
  trace.disable();
  context.disable();
});

beforeEach(() => exporter.reset());

describe('ConsumerRunner: trace context and log fields', () => {
  it('runs the processor in a span under the traceparent of the message', async () => {
    const [seen] = await consume(
      (broker) =>
        broker.publish('jobs', '{}', {
          messageId: 'm-1',
          correlationId: 'req-7',
          headers: { traceparent: TRACEPARENT, tracestate: 'v=1' },
        }),
      1,
    );
    expect(seen.message.context.traceparent).toBe(TRACEPARENT);
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({
      name: 'process jobs',
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.message.id': 'm-1',
        'messaging.message.conversation_id': 'req-7',
        'courier.consumer.queue': 'jobs',
        'courier.consumer.attempt': 1,
      },
    });
    expect(span.parentSpanContext).toMatchObject({
      traceId: TRACE_ID,
      spanId: PRODUCER_SPAN,
      isRemote: true,
    });
    expect(span.parentSpanContext?.traceState?.serialize()).toBe('v=1');
    expect(seen.span).toEqual(span.spanContext());
  });

  it('leaves the context API alone for a message without a traceparent', async () => {
    const withContext = jest.spyOn(context, 'with');
    const getTracer = jest.spyOn(trace, 'getTracer');
    const [seen] = await consume((broker) => broker.publish('jobs', '{}', { messageId: 'm-2' }), 1);
    expect(seen.span).toBeUndefined();
    expect(withContext).not.toHaveBeenCalled();
    expect(getTracer).not.toHaveBeenCalled();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    jest.restoreAllMocks();
  });

  it('ignores a malformed traceparent', async () => {
    const [seen] = await consume(
      (broker) => broker.publish('jobs', '{}', { messageId: 'm-3', headers: { traceparent: 'nonsense' } }),
      1,
    );
    expect(seen.span).toBeUndefined();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('marks the span of a processor that throws or rejects the message', async () => {
    await consume(
      (broker) => {
        broker.publish('jobs', '{}', { messageId: 'throws', headers: { traceparent: TRACEPARENT } });
        broker.publish('jobs', '{}', { messageId: 'rejects', headers: { traceparent: TRACEPARENT } });
      },
      2,
      (message) => {
        if (message.id === 'throws') throw new Error('boom');
        return Outcome.reject('no image id');
      },
    );
    const byId = new Map(
      exporter.getFinishedSpans().map((s) => [s.attributes['messaging.message.id'], s.status]),
    );
    expect(byId.get('throws')).toEqual({ code: SpanStatusCode.ERROR, message: 'Error: boom' });
    expect(byId.get('rejects')).toEqual({ code: SpanStatusCode.ERROR, message: 'no image id' });
  });

  it("gives the processor, and the runner's lines about the message, its log fields", async () => {
    const logger = new FieldsLogger();
    const seen = await consume(
      (broker) => {
        broker.publish('jobs', '{}', { messageId: 'a', correlationId: 'req-1' });
        broker.publish('jobs', '{}', { messageId: 'b' });
      },
      2,
      () => Outcome.reject('bad'),
      logger,
    );
    const fieldsOf = (id: string) => seen.find((s) => s.message.id === id)!.fields;
    expect(fieldsOf('a')).toEqual({ messageId: 'a', queue: 'jobs', correlationId: 'req-1' });
    expect(fieldsOf('b')).toEqual({ messageId: 'b', queue: 'jobs' });
    const deadLettered = logger.lines.filter((l) => l.text.includes('dead-lettered'));
    expect(deadLettered.map((l) => l.fields?.messageId).sort()).toEqual(['a', 'b']);
    expect(deadLettered.every((l) => l.text.includes(`Message ${l.fields?.messageId} `))).toBe(true);
    // Lines about the consumer itself carry none.
    expect(logger.lines.find((l) => l.text.startsWith('Consuming from'))?.fields).toBeUndefined();
    expect(MessageLogContext.current()).toBeUndefined();
  });
});
