import type { OutboxDelivery, OutboxPublisher, PublishResult } from '@courier-nest/core';
import { redactUrlsInText, toAmqpPublish } from '@courier-nest/core/internal';
import { isConnectionLost } from '../connection-lost';
import type { BusPublishRow, PostgresBus } from '../postgres-bus';
import { CoalescedPublish } from './coalesced-publish';

const PROBE_INTERVAL_MS = 1_000;

/**
 * The outbox's transport on the PostgreSQL bus: a batch is written in one transaction
 * (with the batches that came meanwhile, see CoalescedPublish), each message into every
 * queue subscribed to its destination. `confirmed` means that
 * transaction committed and the message reached at least one queue; a destination
 * nobody subscribed to is the unroutable case (`returned`), as on RabbitMQ. A lost
 * connection makes the batch `unsent` (not an attempt: the relay tries again); a
 * statement the database refused fails it.
 */
export class PostgresOutboxPublisher implements OutboxPublisher {
  private reachable = true;
  private probing?: Promise<void>;
  private probedAt = 0;
  private readonly publisher: CoalescedPublish;

  constructor(private readonly bus: PostgresBus) {
    this.publisher = new CoalescedPublish((rows) => bus.publish(rows));
  }

  /**
   * False after a publish lost its connection, until the database answers again: the
   * relay does not claim meanwhile, and a probe at most every second tells when to.
   */
  isReady(): boolean {
    if (!this.reachable) this.probe();
    return this.reachable;
  }

  async publishBatch(messages: readonly OutboxDelivery[]): Promise<PublishResult[]> {
    let reached: number[];
    try {
      reached = await this.publisher.run(messages.map(toBusRow));
      this.reachable = true;
    } catch (error) {
      const text = redactUrlsInText((error as Error).message);
      if (isConnectionLost(error) || !(error as { code?: unknown }).code) {
        this.reachable = false;
        return messages.map(() => ({ status: 'unsent', error: `bus database not reachable: ${text}` }));
      }
      return messages.map(() => ({ status: 'failed', reason: 'channel-error', error: text }));
    }
    return reached.map((queues, i) =>
      queues > 0
        ? { status: 'confirmed' }
        : {
            status: 'failed',
            reason: 'returned',
            error: `no queue subscribes to destination "${messages[i].destination}"`,
          },
    );
  }

  private probe(): void {
    if (this.probing || Date.now() - this.probedAt < PROBE_INTERVAL_MS) return;
    this.probedAt = Date.now();
    this.probing = this.bus.pool
      .query('SELECT 1')
      .then(
        () => void (this.reachable = true),
        () => undefined,
      )
      .finally(() => (this.probing = undefined));
  }
}

/** The same wire form as on RabbitMQ: envelope fields in properties, the rest in headers. */
function toBusRow(message: OutboxDelivery): BusPublishRow {
  const { exchange, routingKey, content, options } = toAmqpPublish(message);
  return {
    destination: exchange,
    routingKey,
    messageId: options.messageId,
    body: content,
    properties: {
      contentType: options.contentType,
      contentEncoding: options.contentEncoding,
      type: options.type,
      appId: options.appId,
      correlationId: options.correlationId,
      timestamp: options.timestamp,
    },
    headers: options.headers,
  };
}
