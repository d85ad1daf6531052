import {
  CheckedQueueAdmin,
  headersForRequeue,
  MAX_DEAD_LETTER_WINDOW,
  toDeadLetter,
  type AdminQueue,
  type ConsumerQueueStats,
  type DeadLetterPage,
  type DeadLetterTarget,
  type DeadLetterWindow,
} from '@courier-nest/consumer';
import type { PostgresBus } from '../postgres-bus';

/** A consumer queue as this process serves it, with how many of its consumers claim now. */
export interface PostgresAdminQueue extends AdminQueue {
  /** This process's consumers claiming from it; other processes' are not seen. */
  subscribed(): number;
}

interface DeadRow {
  seq: string;
  message_id: string | null;
  headers: Record<string, unknown>;
}

/**
 * The queue admin (the operations console's port) on the PostgreSQL bus: counts, and a
 * queue's dead letters read, requeued to the tail of their queue, or purged, from the
 * head of the dead-letter queue. `consumers` counts this process's consumers only.
 */
export class PostgresQueueAdmin extends CheckedQueueAdmin<PostgresAdminQueue> {
  constructor(
    private readonly bus: PostgresBus,
    private readonly queues: () => Iterable<PostgresAdminQueue>,
  ) {
    super();
  }

  protected consumerQueues(): Iterable<PostgresAdminQueue> {
    return this.queues();
  }

  protected async readStats(target: PostgresAdminQueue): Promise<ConsumerQueueStats> {
    const { rows } = await this.bus.query<{ depth: number; retry_depth: number; dead_depth: number }>(
      this.bus.sql.adminStats,
      [target.queue, target.deadLetterQueue],
    );
    return {
      queue: target.queue,
      depth: rows[0].depth,
      consumers: target.subscribed(),
      retryDepth: rows[0].retry_depth,
      deadLetterQueue: target.deadLetterQueue,
      deadDepth: rows[0].dead_depth,
    };
  }

  protected async readDead(
    target: PostgresAdminQueue,
    { offset, limit }: DeadLetterWindow,
  ): Promise<DeadLetterPage> {
    const [page, counted] = await Promise.all([
      this.bus.query(this.bus.sql.deadPage, [target.deadLetterQueue, offset, limit]),
      this.bus.query<{ dead_depth: number }>(this.bus.sql.adminStats, [target.queue, target.deadLetterQueue]),
    ]);
    return {
      total: counted.rows[0].dead_depth,
      items: page.rows.map((row, i) =>
        toDeadLetter(
          { queue: target.queue, deadLetterQueue: target.deadLetterQueue, position: offset + i },
          {
            payload: row.body as Buffer,
            messageId: row.message_id as string | null,
            type: (row.properties as { type?: string }).type ?? null,
            contentType: (row.properties as { contentType?: string }).contentType ?? null,
            headers: row.headers as Record<string, unknown>,
          },
        ),
      ),
    };
  }

  protected async moveDead(target: PostgresAdminQueue, which: DeadLetterTarget): Promise<string[]> {
    const rows = await this.select(target, which);
    if (rows.length === 0) return [];
    const { rows: moved } = await this.bus.query<{ seq: string; message_id: string | null }>(
      this.bus.sql.requeueDead,
      [
        target.deadLetterQueue,
        rows.map((row) => row.seq),
        rows.map((row) => JSON.stringify(headersForRequeue(row.headers))),
        target.queue,
      ],
    );
    await this.bus.pool.query('SELECT pg_notify($1, $2)', [this.bus.channel, target.queue]);
    return moved
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map((row) => row.message_id ?? `bus-${target.queue}-${row.seq}`);
  }

  protected async deleteDead(target: PostgresAdminQueue, which: DeadLetterTarget): Promise<number> {
    const rows = await this.select(target, which);
    if (rows.length === 0) return 0;
    const { rowCount } = await this.bus.query(this.bus.sql.purgeDead, [
      target.deadLetterQueue,
      rows.map((row) => row.seq),
    ]);
    return rowCount ?? 0;
  }

  /** The dead letters `which` names, as a scan from the head would find them (see the port). */
  private async select(target: PostgresAdminQueue, which: DeadLetterTarget): Promise<DeadRow[]> {
    const all = 'all' in which;
    const { rows } = await this.bus.query<DeadRow>(this.bus.sql.deadHead, [
      target.deadLetterQueue,
      all ? null : MAX_DEAD_LETTER_WINDOW,
    ]);
    if (all) return rows;
    const found = new Set<string>();
    return rows.filter((row) => {
      const id = row.message_id;
      if (id === null || !which.messageIds.has(id) || found.has(id)) return false;
      found.add(id);
      return true;
    });
  }
}
