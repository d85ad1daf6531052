import type { ConfirmChannel } from 'amqplib';

/** Delays are rounded to a power of two of milliseconds: few queues, each FIFO by expiry. */
export function retryLevelMs(delayMs: number): number {
  return 2 ** Math.round(Math.log2(Math.max(1, delayMs)));
}

export function retryQueueName(queue: string, levelMs: number): string {
  return `${queue}.retry.${levelMs}ms`;
}

/** Every level a delay from `minMs` to `maxMs` can be rounded to. */
export function retryLevelsBetween(minMs: number, maxMs: number): number[] {
  const levels: number[] = [];
  for (let level = retryLevelMs(minMs); level <= retryLevelMs(maxMs); level *= 2) levels.push(level);
  return levels;
}

/** Re-declare a retry queue this often, well inside its idle expiry. */
const REDECLARE_AFTER_MS = 60_000;
const MIN_IDLE_EXPIRY_MS = 10 * 60_000;

/**
 * Delayed redelivery without a broker plugin: a retry queue per delay level, where
 * every message has the same TTL, dead-letters back to the source queue when it
 * expires. With one TTL per queue the head always expires first, so no message
 * waits behind a longer one. Unused retry queues delete themselves (`x-expires`).
 */
export class RetryQueues {
  private readonly declaredAt = new Map<number, number>();
  /** Every level routed to since start, for the queue admin's retry depth. */
  private readonly used = new Set<number>();

  constructor(private readonly queue: string) {}

  /** After a copy came back unroutable: the queue is gone, declare it again next time. */
  forget(delayMs: number): void {
    this.declaredAt.delete(retryLevelMs(delayMs));
  }

  /** The levels this process routed retries to (they may have expired since). */
  levels(): number[] {
    return [...this.used];
  }

  async route(channel: ConfirmChannel, delayMs: number): Promise<string> {
    const level = retryLevelMs(delayMs);
    const name = retryQueueName(this.queue, level);
    this.used.add(level);
    if (Date.now() - (this.declaredAt.get(level) ?? 0) > REDECLARE_AFTER_MS) {
      await channel.assertQueue(name, {
        durable: true,
        arguments: {
          'x-message-ttl': level,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': this.queue,
          'x-expires': Math.max(MIN_IDLE_EXPIRY_MS, level * 2 + REDECLARE_AFTER_MS),
        },
      });
      this.declaredAt.set(level, Date.now());
    }
    return name;
  }
}
