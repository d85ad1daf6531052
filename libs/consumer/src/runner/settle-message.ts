import { delay } from '@courier-nest/core/internal';
import type { LoggerService } from '@nestjs/common';
import type { Message } from '../interfaces/message.interface';
import type { Settlement } from './settlement.policy';

export interface SettleContext {
  source: string;
  maxAttempts: number;
  logger: LoggerService;
  /** Cuts a release's wait short when the runner stops: the message goes back at once. */
  stopSignal: AbortSignal;
}

/**
 * Carries a settlement out on the message, with a log line for every one but an ack.
 * For `exit` it only gives the message back: stopping is the runner's part.
 */
export async function settleMessage(
  message: Message,
  settlement: Settlement,
  context: SettleContext,
): Promise<void> {
  if (settlement.kind === 'ack') return message.ack();
  const { logger } = context;
  // Built only off the ack path: an ack, by far the most frequent, logs nothing.
  const where = `Message ${message.id} of "${context.source}" (attempt ${message.attempt}/${context.maxAttempts})`;
  switch (settlement.kind) {
    case 'retry':
      logger.warn(`${where} failed: ${settlement.reason}; retrying in ${settlement.delayMs} ms`);
      return message.retry(settlement.delayMs);
    case 'dead_letter':
      logger.error(`${where} dead-lettered: ${settlement.reason}`);
      return message.deadLetter({ reason: settlement.reason });
    case 'released':
      // Held, not requeued at once: an outage must not turn into a redelivery hot loop.
      logger.warn(`${where} given back in ${settlement.delayMs} ms: ${settlement.reason}`);
      await delay(settlement.delayMs, context.stopSignal);
      return message.nack();
    case 'dropped':
      logger.error(`${where} dropped (failure strategy "ack"): ${settlement.reason}`);
      return message.ack();
    case 'exit':
      logger.error(`${where} failed: ${settlement.reason}; stopping (failure strategy "exit")`);
      return message.nack();
  }
}
