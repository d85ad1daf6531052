import type { RegisteredHandler } from '../inbox.registry';
import type { ClaimedWork } from '../inbox.store';
import { HandlerScope } from './handler-scope';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const work = (headers: Record<string, string>): ClaimedWork => ({
  messageId: 'm-1',
  handlerKey: 'bill',
  rowId: '(0,1)',
  attempt: 3,
  leaseToken: '7',
  eventType: 'order_events',
  type: null,
  payload: '{}',
  headers,
  occurredAt: null,
  receivedAt: new Date(),
});
const handler = {} as RegisteredHandler;

describe('HandlerScope, the context a handler gets', () => {
  it('names the pair and the attempt, and carries a well-formed trace context', () => {
    const scope = new HandlerScope(work({ traceparent: TRACEPARENT, tracestate: 'k=v' }), handler, 1_000);
    expect(scope).toMatchObject({ eventType: 'order_events', handlerKey: 'bill', attempt: 3 });
    expect(scope.traceparent).toBe(TRACEPARENT);
    expect(scope.tracestate).toBe('k=v');
    expect(scope.trace).toEqual({ traceparent: TRACEPARENT, tracestate: 'k=v' });
  });

  it('carries no trace context from a malformed traceparent', () => {
    const scope = new HandlerScope(work({ traceparent: 'garbage', tracestate: 'k=v' }), handler, 1_000);
    expect(scope.trace).toBeNull();
    expect(scope.traceparent).toBeUndefined();
    expect(scope.tracestate).toBeUndefined();
  });

  it('aborts its signal when the external signal aborts (a lease that could not be renewed)', () => {
    const lease = new AbortController();
    const scope = new HandlerScope(work({}), handler, 1_000, lease.signal);
    const lost = new Error('lease lost');
    lease.abort(lost);
    expect(scope.signal.reason).toBe(lost);
    expect(scope.aborted).toBe(true);
  });
});
