import type { EntityManager } from 'typeorm';
import { WireHeaders } from '@courier-nest/core';
import { RunScope, traceCarrierOf, type TraceCarrier } from '@courier-nest/core/internal';
import type { RegisteredHandler } from '../inbox.registry';
import type { ClaimedWork } from '../inbox.store';
import type { InboxHandlerContext } from '../interfaces/inbox-handler.interface';

/**
 * One handler run's scope, and the context its handler gets: the signal (aborted by the
 * run's timeout or by `external`, see RunScope), the message's trace context, and with
 * `transactional: true` the transaction's manager. Also what the run's wrappers read:
 * the handler (undefined when none is registered here), its timeout, the parsed trace.
 */
export class HandlerScope extends RunScope implements InboxHandlerContext {
  readonly eventType: string;
  readonly handlerKey: string;
  readonly attempt: number;
  traceparent?: string;
  tracestate?: string;
  manager?: EntityManager;
  /** The message's W3C trace context, if its `traceparent` header is well formed. */
  readonly trace: TraceCarrier | null;

  constructor(
    work: ClaimedWork,
    readonly handler: RegisteredHandler | undefined,
    readonly timeoutMs: number,
    external?: AbortSignal,
  ) {
    super(external);
    this.eventType = work.eventType;
    this.handlerKey = work.handlerKey;
    this.attempt = work.attempt;
    const trace = (this.trace = traceCarrierOf(
      work.headers[WireHeaders.traceparent],
      work.headers[WireHeaders.tracestate],
    ));
    if (trace) {
      this.traceparent = trace.traceparent;
      if (trace.tracestate) this.tracestate = trace.tracestate;
    }
  }
}
