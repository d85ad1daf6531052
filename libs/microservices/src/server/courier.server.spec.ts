import type { MessageHandler } from '@nestjs/microservices';
import { of, throwError } from 'rxjs';
import {
  InboxNonRetryableError,
  type InboxHandlerRegistration,
  type InboxService,
} from '@courier-nest/inbox';
import type { RequestContext, RequestResponder } from '@courier-nest/core';
import type { ResolvedMicroservicesOptions } from '../courier-microservices-options.resolver';
import { CourierRequestTransportMissingError } from '../errors/courier-request-transport-missing.error';
import { CourierContext } from './courier.context';
import { CourierServer } from './courier.server';
import type { CourierRequestContext } from './courier-request.context';

const OPTIONS: ResolvedMicroservicesOptions = {
  closeTimeoutMs: 10,
  requestTimeoutMs: 5_000,
  requestPrefetch: 10,
};

/** Records what the server registers; a unit stand-in for the inbox's public registerHandler. */
function fakeInbox() {
  const registered: InboxHandlerRegistration[] = [];
  return { registered, inbox: { registerHandler: (r: InboxHandlerRegistration) => registered.push(r) } };
}

const handler = (fn: (data: unknown, ctx: CourierContext) => unknown) => fn as unknown as MessageHandler;
const listen = (server: CourierServer) =>
  new Promise<void>((resolve, reject) => server.listen((error) => (error ? reject(error) : resolve())));
const message = {
  id: 'm-1',
  eventType: 'order_events',
  type: 'order_created',
  payload: { orderId: 1 },
  headers: { a: 'b' },
  occurredAt: null,
  receivedAt: new Date(),
};
const run = {
  eventType: 'order_events',
  handlerKey: 'k',
  attempt: 2,
  signal: new AbortController().signal,
  traceparent: '00-aa-bb-01',
};

describe('CourierServer', () => {
  it('registers each @EventPattern handler of a pattern on its own, keyed by handlerKey or the pattern', async () => {
    const { registered, inbox } = fakeInbox();
    const server = new CourierServer(OPTIONS, inbox as unknown as InboxService);
    const seen: string[] = [];
    server.addHandler(
      'order_events',
      handler(() => seen.push('reserve')),
      true,
      { handlerKey: 'reserve', maxAttempts: 3 },
    );
    server.addHandler(
      'order_events',
      handler(() => seen.push('first')),
      true,
    );
    server.addHandler(
      'order_events',
      handler(() => seen.push('second')),
      true,
    );
    await listen(server);

    expect(registered.map((r) => [r.eventType, r.handlerKey, r.options?.maxAttempts])).toEqual([
      ['order_events', 'reserve', 3],
      ['order_events', 'order_events', undefined],
      ['order_events', 'order_events.2', undefined],
    ]);
    await registered[2].handle(message, run);
    expect(seen).toEqual(['second']); // not chained: one run, one handler
  });

  it('passes the payload and a CourierContext, waits for an Observable, and maps its error', async () => {
    const { registered, inbox } = fakeInbox();
    const server = new CourierServer(OPTIONS, inbox as unknown as InboxService);
    let got: [unknown, CourierContext] | undefined;
    server.addHandler(
      'ok',
      handler((data, ctx) => ((got = [data, ctx]), of(1))),
      true,
    );
    server.addHandler(
      'bad',
      handler(() => throwError(() => ({ status: 422, message: 'quantity too large' }))),
      true,
    );
    await listen(server);

    await registered[0].handle(message, run);
    const [data, ctx] = got!;
    expect(data).toEqual({ orderId: 1 });
    expect([
      ctx.getMessageId(),
      ctx.getEventType(),
      ctx.getType(),
      ctx.getAttempt(),
      ctx.getTraceparent(),
    ]).toEqual(['m-1', 'order_events', 'order_created', 2, '00-aa-bb-01']);
    expect(ctx.getHeaders()).toEqual({ a: 'b' });
    expect(ctx.getMessage()).toBe(message);
    expect(ctx.getSignal()).toBe(run.signal);
    await expect(registered[1].handle(message, run)).rejects.toBeInstanceOf(InboxNonRetryableError);
  });

  it('fails listen() on a @MessagePattern handler when no transport serves requests', async () => {
    const { inbox } = fakeInbox();
    const server = new CourierServer(OPTIONS, inbox as unknown as InboxService);
    server.addHandler(
      'get_order',
      handler(() => undefined),
      false,
    );
    await expect(listen(server)).rejects.toThrow(CourierRequestTransportMissingError);
    await expect(listen(server)).rejects.toThrow(/need a transport that serves requests.*get_order/);
  });

  it("serves a @MessagePattern handler's queue: its result, through Nest's Observable, is the reply", async () => {
    const served = new Map<string, (payload: unknown, context: RequestContext) => Promise<unknown>>();
    const responder = {
      serve: async (queue: string, fn: (payload: unknown, context: RequestContext) => Promise<unknown>) => {
        served.set(queue, fn);
      },
    };
    const server = new CourierServer(OPTIONS, undefined, responder as unknown as RequestResponder);
    server.addHandler(
      'get_order',
      handler((payload: unknown, ctx: unknown) =>
        of({ payload, queue: (ctx as CourierRequestContext).getQueue() }),
      ),
      false,
    );
    await listen(server);
    const request: RequestContext = { queue: 'get_order', headers: {}, redelivered: false };
    await expect(served.get('get_order')!({ id: 7 }, request)).resolves.toEqual({
      payload: { id: 7 },
      queue: 'get_order',
    });
  });

  it('fails listen() on a pattern that is no string, and without the inbox', async () => {
    const server = new CourierServer(OPTIONS, fakeInbox().inbox as unknown as InboxService);
    server.addHandler(
      { cmd: 'x' },
      handler(() => undefined),
      true,
    );
    await expect(listen(server)).rejects.toThrow(/must be a string pattern/);
    const withoutInbox = new CourierServer(OPTIONS);
    withoutInbox.addHandler(
      'order_events',
      handler(() => undefined),
      true,
    );
    await expect(listen(withoutInbox)).rejects.toThrow(/needs the inbox: import InboxModule/);
  });

  it('after close(), gives a run back as a retryable failure', async () => {
    const { registered, inbox } = fakeInbox();
    const server = new CourierServer(OPTIONS, inbox as unknown as InboxService);
    server.addHandler(
      'ok',
      handler(() => undefined),
      true,
    );
    await listen(server);
    await server.close();
    await expect(registered[0].handle(message, run)).rejects.toThrow(/CourierServer is closed/);
  });
});
