import type { PipelineStep, PipelineWrapper, RunScope } from '@courier-nest/core/internal';
import type { Message } from '../interfaces/message.interface';
import type { ProcessOutcome } from '../interfaces/processor.interface';
import { settleMessage, type SettleContext } from './settle-message';
import { describe, type SettlementPolicy, type Settlement } from './settlement.policy';

type Result = ProcessOutcome | void;

/** What the runner hears from settling: its own state, kept out of the pipeline. */
export interface SettlingHooks {
  /** A settlement was carried out on the broker (the consumer works). */
  settled(): void;
  /** The `exit` strategy fired for this error. */
  exit(error: unknown): void;
}

/**
 * The consumer's handler contract as a wrapper: the processor's outcome or error
 * becomes a settlement through the failure strategy (`SettlementPolicy`), which is then
 * carried out on the message. Never rejects: a settle that fails is logged, and the
 * broker delivers the message again.
 */
export function settlingWrapper(
  policy: SettlementPolicy,
  context: SettleContext,
  hooks: SettlingHooks,
): PipelineWrapper<Message, RunScope, Result, Settlement> {
  return (next: PipelineStep<Message, RunScope, Result>) =>
    async (message: Message, scope: RunScope): Promise<Settlement> => {
      let settlement: Settlement;
      try {
        settlement = policy.fromOutcome(await next(message, scope), message.attempt);
      } catch (error) {
        settlement = policy.fromError(error, message.attempt);
      }
      try {
        await settleMessage(message, settlement, context);
        // Only a completed settle counts: a consumer that delivers and then breaks (a
        // channel the broker keeps closing) must still back off.
        hooks.settled();
      } catch (error) {
        context.logger.error(
          `Settling message ${message.id} of "${context.source}" failed: ${describe(error)}`,
        );
      }
      if (settlement.kind === 'exit') hooks.exit(settlement.error);
      return settlement;
    };
}
