import type { RunObserver } from '@courier-nest/core/internal';
import type { ConsumerObserver, SettlementKind } from '../interfaces/consumer-observer.interface';
import type { Message } from '../interfaces/message.interface';
import type { Settlement } from './settlement.policy';

/**
 * The metrics wrapper's observer for a runner: each run is reported to the public
 * `ConsumerObserver` by queue and settlement kind (bounded labels), its duration from
 * processing start to settlement.
 */
export function settlementObserver(
  source: string,
  observer: ConsumerObserver,
): RunObserver<Message, Settlement> {
  return {
    started: () => observer.started(source),
    finished: (_message, settlement, seconds) => observer.settled(source, kindOf(settlement), seconds),
    // Settling never rejects; were it to, the message was not settled here: it comes back.
    failed: (_message, _error, seconds) => observer.settled(source, 'returned', seconds),
  };
}

function kindOf(settlement: Settlement): SettlementKind {
  return settlement.kind === 'exit' || settlement.kind === 'released' ? 'returned' : settlement.kind;
}
