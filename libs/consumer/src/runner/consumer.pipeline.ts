import type { MessageLogFields } from '@courier-nest/core';
import {
  handlerPipeline,
  logContextWrapper,
  metricsWrapper,
  RunScope,
  timeoutWrapper,
  tracingWrapper,
} from '@courier-nest/core/internal';
import { ProcessTimeoutError } from '../errors/process-timeout.error';
import type { Message } from '../interfaces/message.interface';
import type { ProcessOutcome, Processor } from '../interfaces/processor.interface';
import type { ResolvedRunnerOptions } from './consumer-runner-options.resolver';
import { processTracing } from './process-tracing';
import { settlementObserver } from './settlement.observer';
import { SettlementPolicy, type Settlement } from './settlement.policy';
import { settlingWrapper, type SettlingHooks } from './settling.wrapper';

export interface ConsumerPipelineSignals {
  /** Aborted when stop begins: cuts a release's wait short, the message goes back at once. */
  stopRequested: AbortSignal;
  /** Aborted when stop gives up waiting: running processors see their signal abort. */
  lifetime: AbortSignal;
}

/**
 * What a runner does with one message, as the core handler pipeline: the processor
 * under its timeout (its signal also aborts with the runner's lifetime), in the
 * message's trace, settled by the failure strategy, observed by the metrics hooks, all
 * in the message's log fields (so the settle's log lines carry them too).
 */
export function consumerPipeline(
  source: string,
  processor: Processor,
  options: ResolvedRunnerOptions,
  signals: ConsumerPipelineSignals,
  hooks: SettlingHooks,
): (message: Message) => Promise<Settlement> {
  const { processTimeoutMs, logger, maxAttempts, observer } = options;
  const policy = new SettlementPolicy(options.failureStrategy, maxAttempts, options.retryBackoff);
  const settleContext = { source, maxAttempts, logger, stopSignal: signals.stopRequested };
  const processing = handlerPipeline<Message, RunScope, ProcessOutcome | void>(processor)
    .wrap(
      timeoutWrapper({
        timeoutMs: () => processTimeoutMs,
        timeoutError: (message, _scope, timeoutMs) => new ProcessTimeoutError(message.id, timeoutMs),
      }),
    )
    .wrap(tracingWrapper(processTracing(source)))
    .wrap(settlingWrapper(policy, settleContext, hooks));
  const step = (
    observer ? processing.wrap(metricsWrapper(settlementObserver(source, observer))) : processing
  ).wrap(logContextWrapper((message: Message) => logFields(message, source))).step;
  const lifetime = signals.lifetime;
  // Settling is async, so the step returns a promise already: resolve() adds none.
  return (message) => Promise.resolve(step(message, new RunScope(lifetime)));
}

function logFields(message: Message, queue: string): MessageLogFields {
  const correlationId = message.context.correlationId;
  return correlationId ? { messageId: message.id, queue, correlationId } : { messageId: message.id, queue };
}
