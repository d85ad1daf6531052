import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { isConnectionLost } from './connection-lost';
import { BusNotifications, type BusLogger } from './bus-notifications';
import { BusSql } from './bus.sql';

/** A message as the bus stores it: AMQP-like properties and headers beside the body. */
export interface BusOutgoing {
  messageId: string | null;
  body: Buffer;
  /** contentType, contentEncoding, type, appId, correlationId, timestamp (seconds)… */
  properties: Record<string, unknown>;
  headers: Record<string, unknown>;
}

export interface BusQueueStats {
  queue: string;
  messages: number;
  oldestSeconds: number;
}

/** A message for the subscriptions of `destination`, `routingKey` as its AMQP routing key would be. */
export interface BusPublishRow extends BusOutgoing {
  destination: string;
  routingKey: string;
}

/**
 * The bus in one PostgreSQL schema: queues, subscriptions (destination → queue) and the
 * messages waiting in each queue, on a pool of its own. Publishes, sends and topology
 * here; claiming and settling belong to the consumers (BusQueue, BusSettler).
 */
export class PostgresBus {
  readonly sql: BusSql;
  readonly notifications: BusNotifications;
  /** The NOTIFY channel publishes name the queues they reached on. */
  readonly channel: string;

  constructor(
    readonly pool: Pool,
    readonly schema: string,
    logger: BusLogger,
  ) {
    this.sql = new BusSql(schema);
    this.channel = `courier_bus_${schema}`;
    this.notifications = new BusNotifications(pool, this.channel, logger);
  }

  /**
   * Runs a statement that may safely run twice (fenced settles, renewals, counts,
   * declarations), again on another connection while the one it got was lost: after a
   * server restart every idle connection of the pool is dead, and each try drops one.
   */
  async query<R extends QueryResultRow = QueryResultRow>(
    sql: string,
    values: unknown[],
  ): Promise<QueryResult<R>> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.pool.query<R>(sql, values);
      } catch (error) {
        if (!isConnectionLost(error) || tries > (this.pool.options.max ?? 10)) throw error;
      }
    }
  }

  /** Creates the queues that do not exist yet. */
  async declareQueues(...names: string[]): Promise<void> {
    await this.query(this.sql.declareQueues, [names]);
  }

  /** Every later publish to `destination` also lands in `queue` (declared if new). */
  async subscribe(destination: string, queue: string): Promise<void> {
    await this.declareQueues(queue);
    await this.query(this.sql.subscribe, [destination, queue]);
  }

  /**
   * Publishes `rows` in one transaction: each into every queue subscribed to its
   * destination. Resolves with, per row, how many queues it reached (0: unroutable).
   */
  async publish(rows: readonly BusPublishRow[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const { rows: reached } = await this.pool.query<{ n: number; queues: number }>(this.sql.publish, [
      rows.map((row) => row.destination),
      rows.map((row) => row.routingKey),
      rows.map((row) => row.messageId),
      rows.map((row) => row.body),
      rows.map((row) => JSON.stringify(row.properties)),
      rows.map((row) => JSON.stringify(row.headers)),
      this.channel,
    ]);
    return reached.map((row) => row.queues);
  }

  /** Puts `messages` straight into `queue`, as AMQP's default exchange does. */
  async send(queue: string, messages: readonly BusOutgoing[]): Promise<void> {
    await this.pool.query(this.sql.send, [
      queue,
      messages.map((m) => m.messageId),
      messages.map((m) => m.body),
      messages.map((m) => JSON.stringify(m.properties)),
      messages.map((m) => JSON.stringify(m.headers)),
      this.channel,
    ]);
  }

  /** Per queue with messages: how many, and the oldest one's age. */
  async queueStats(): Promise<BusQueueStats[]> {
    const { rows } = await this.query<{ queue: string; messages: number; oldest_seconds: number }>(
      this.sql.queueStats,
      [],
    );
    return rows.map((row) => ({
      queue: row.queue,
      messages: row.messages,
      oldestSeconds: row.oldest_seconds,
    }));
  }

  /** Messages in `queue` no consumer holds (due now or later). */
  async waiting(queue: string): Promise<number> {
    const { rows } = await this.query<{ n: number }>(this.sql.waiting, [queue]);
    return rows[0].n;
  }

  /** Deletes `queue` with its messages and subscriptions. */
  async dropQueue(queue: string): Promise<void> {
    await this.query(this.sql.dropQueue, [queue]);
  }

  /** Stops listening. The pool belongs to whoever made it. */
  async close(): Promise<void> {
    await this.notifications.close();
  }
}
