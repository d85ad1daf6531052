import { performance } from 'node:perf_hooks';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import type { Client } from 'pg';
import { dropSchema, openDatabase } from '../../test/harness/database';
import { AMQP_URL, uniqueName } from '../../test/harness/env';
import { waitFor } from '../../test/harness/wait-for';

/**
 * What every phase shares: an admin pg connection, an admin AMQP channel, and this
 * run's own exchange and durable queue (bound with '#'). Everything created here is
 * named per run and removed by `cleanup()`.
 */
export class BenchContext {
  readonly exchange: string;
  readonly queue: string;
  readonly routingKey = 'bench_event';
  private readonly schemas: string[] = [];
  /** Broker objects a phase created besides the context's own; deleted at cleanup. */
  private readonly extraQueues: string[] = [];
  private readonly extraExchanges: string[] = [];
  private readonly startedAt = performance.now();
  private interrupted = false;
  private closing = false;

  private constructor(
    readonly db: Client,
    private readonly amqp: ChannelModel,
    readonly admin: Channel,
    label: string,
  ) {
    this.exchange = uniqueName(`bench_${label}_x`);
    this.queue = uniqueName(`bench_${label}_q`);
    amqp.on('close', () => {
      if (!this.closing) this.interrupted = true;
    });
    amqp.on('error', () => undefined);
  }

  /** `label` names this run's exchange and queue (`bench_<label>_x_…`, `bench_<label>_q_…`). */
  static async open(label = 'outbox'): Promise<BenchContext> {
    const db = await openDatabase();
    const amqp = await connect(AMQP_URL);
    const admin = await amqp.createChannel();
    const context = new BenchContext(db, amqp, admin, label);
    await admin.assertExchange(context.exchange, 'topic', { durable: true });
    // Durable, like a service's inbox queue: persistent messages are written to disk
    // before the confirm, for the raw ceiling and the relay alike.
    await admin.assertQueue(context.queue, { durable: true, autoDelete: false });
    await admin.bindQueue(context.queue, context.exchange, '#');
    return context;
  }

  /** A fresh schema name for one phase; dropped at cleanup. */
  newSchema(label: string): string {
    const schema = uniqueName(`bench_${label}`).toLowerCase();
    this.schemas.push(schema);
    return schema;
  }

  /** Deletes these queues / exchanges at cleanup too (a phase's own, e.g. an inbox app's). */
  trackBrokerObjects(objects: { queues?: string[]; exchanges?: string[] }): void {
    this.extraQueues.push(...(objects.queues ?? []));
    this.extraExchanges.push(...(objects.exchanges ?? []));
  }

  async queueDepth(): Promise<number> {
    return (await this.admin.checkQueue(this.queue)).messageCount;
  }

  async purgeQueue(): Promise<void> {
    await this.admin.purgeQueue(this.queue);
  }

  /** Polls the queue until it holds at least `count` messages. */
  async waitForQueueDepth(count: number, timeoutMs = 120_000): Promise<number> {
    return waitFor(
      async () => {
        const depth = await this.queueDepth();
        return depth >= count ? depth : 0;
      },
      `${count} messages in ${this.queue}`,
      { timeoutMs, intervalMs: 10 },
    );
  }

  async rowCount(schema: string, table = 'outbox_messages'): Promise<number> {
    const { rows } = await this.db.query(`SELECT count(*)::int AS n FROM "${schema}".${table}`);
    return rows[0].n;
  }

  /** Cheaper than count(*) while rows remain: stops at the first live row. */
  async isEmpty(schema: string, table = 'outbox_messages'): Promise<boolean> {
    const { rows } = await this.db.query(`SELECT NOT EXISTS (SELECT 1 FROM "${schema}".${table}) AS empty`);
    return rows[0].empty;
  }

  async versions(): Promise<{ postgres: string; rabbitmq: string }> {
    const { rows } = await this.db.query('SHOW server_version');
    const props = this.amqp.connection.serverProperties as { version?: string };
    return { postgres: String(rows[0].server_version).split(' ')[0], rabbitmq: props.version ?? '?' };
  }

  /** Progress on stderr, so stdout carries only the result. */
  note(message: string): void {
    const seconds = ((performance.now() - this.startedAt) / 1000).toFixed(1).padStart(5);
    process.stderr.write(`[${seconds}s] ${message}\n`);
  }

  /** True once the admin connection closed under us (e.g. the broker was restarted). */
  get brokerInterrupted(): boolean {
    return this.interrupted;
  }

  async cleanup(): Promise<void> {
    for (const schema of this.schemas) {
      await dropSchema(this.db, schema).catch((error) => this.note(`could not drop ${schema}: ${error}`));
    }
    await this.db.end().catch(() => undefined);
    this.closing = true;
    await this.amqp.close().catch(() => undefined);
    // A fresh connection: the admin one may have died with a broker restart mid-run.
    const queues = [this.queue, ...this.extraQueues];
    const exchanges = [this.exchange, ...this.extraExchanges];
    try {
      const connection = await waitFor(() => connect(AMQP_URL), 'RabbitMQ for clean-up', {
        timeoutMs: 30_000,
        intervalMs: 500,
      });
      connection.on('error', () => undefined);
      // One channel per deletion: a failed one closes its channel, not the clean-up.
      const remove = async (kind: 'queue' | 'exchange', name: string) => {
        try {
          const channel = await connection.createChannel();
          channel.on('error', () => undefined);
          if (kind === 'queue') await channel.deleteQueue(name);
          else await channel.deleteExchange(name);
          await channel.close();
        } catch (error) {
          this.note(`could not delete ${kind} ${name}: ${error}`);
        }
      };
      for (const queue of queues) await remove('queue', queue);
      for (const exchange of exchanges) await remove('exchange', exchange);
      await connection.close();
    } catch (error) {
      this.note(`could not delete queues ${queues.join(', ')} / exchanges ${exchanges.join(', ')}: ${error}`);
    }
  }
}
