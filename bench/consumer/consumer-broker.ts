import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { connect, type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { DEFAULT_DEAD_LETTER_SUFFIX } from '@courier-nest/consumer';
import { AMQP_URL, uniqueName } from '../../test/harness/env';
import { waitFor } from '../../test/harness/wait-for';

/** Publishes awaited for their confirms in chunks of this many: pipelined, bounded memory. */
const CONFIRM_CHUNK = 5_000;
/** Every body is exactly this long (JSON, padded), like a small domain event. */
export const BODY_BYTES = 100;

/**
 * The broker side of the consumer benchmark, RabbitMQ only (no PostgreSQL): an admin
 * connection that declares, fills, checks and deletes one fresh durable queue per
 * drain, and progress notes on stderr. Every queue made here is deleted again, with
 * the `<queue>.dead` the consumer factory declares beside it.
 */
export class ConsumerBenchBroker {
  private readonly startedAt = performance.now();
  private readonly made = new Set<string>();
  private interrupted = false;
  private closing = false;

  private constructor(
    private readonly amqp: ChannelModel,
    private readonly admin: Channel,
    private readonly publisher: ConfirmChannel,
  ) {
    amqp.on('close', () => {
      if (!this.closing) this.interrupted = true;
    });
    amqp.on('error', () => undefined);
  }

  static async open(): Promise<ConsumerBenchBroker> {
    const amqp = await connect(AMQP_URL, { clientProperties: { connection_name: 'courier-consumer-bench' } });
    const admin = await amqp.createChannel();
    const publisher = await amqp.createConfirmChannel();
    return new ConsumerBenchBroker(amqp, admin, publisher);
  }

  get version(): string {
    const props = this.amqp.connection.serverProperties as { version?: string };
    return props.version ?? '?';
  }

  /** True once the admin connection closed under us (e.g. the broker was restarted). */
  get brokerInterrupted(): boolean {
    return this.interrupted;
  }

  /**
   * A new durable classic queue (declared as the consumer factory declares it) holding
   * `count` persistent messages, every one confirmed and counted before this returns.
   */
  async filledQueue(label: string, count: number): Promise<string> {
    const queue = uniqueName(`bench_consumer_${label}`);
    this.made.add(queue);
    await this.admin.assertQueue(queue, { durable: true });
    for (let seq = 0; seq < count;) {
      const end = Math.min(count, seq + CONFIRM_CHUNK);
      for (; seq < end; seq++) {
        const id = `bench-${seq}-${queue}`;
        const flushed = this.publisher.publish('', queue, body(seq), {
          persistent: true,
          contentType: 'application/json',
          messageId: id,
          correlationId: id,
          type: 'bench_event',
          appId: 'courier-bench',
          timestamp: Math.floor(Date.now() / 1000),
          headers: { 'x-courier-key': `ord-${seq}` },
        });
        if (!flushed) await once(this.publisher, 'drain');
      }
      await this.publisher.waitForConfirms();
    }
    await waitFor(async () => (await this.depth(queue)) === count, `${count} messages in ${queue}`, {
      timeoutMs: 30_000,
      intervalMs: 10,
    });
    return queue;
  }

  /** Messages ready in the queue (unacked ones are not counted until their channel closes). */
  async depth(queue: string): Promise<number> {
    return (await this.admin.checkQueue(queue)).messageCount;
  }

  /** Deletes the queue and its `.dead` sibling (absent for raw runs: deleting it is a no-op). */
  async deleteQueue(queue: string): Promise<void> {
    for (const name of [queue, `${queue}${DEFAULT_DEAD_LETTER_SUFFIX}`]) {
      await this.admin.deleteQueue(name);
    }
    this.made.delete(queue);
  }

  /** Progress on stderr, so stdout carries only the result. */
  note(message: string): void {
    const seconds = ((performance.now() - this.startedAt) / 1000).toFixed(1).padStart(5);
    process.stderr.write(`[${seconds}s] ${message}\n`);
  }

  /** Deletes whatever a failed run left behind, on a fresh connection, then closes. */
  async cleanup(): Promise<void> {
    this.closing = true;
    await this.amqp.close().catch(() => undefined);
    if (this.made.size === 0) return;
    const queues = [...this.made].flatMap((q) => [q, `${q}${DEFAULT_DEAD_LETTER_SUFFIX}`]);
    try {
      const connection = await waitFor(() => connect(AMQP_URL), 'RabbitMQ for clean-up', {
        timeoutMs: 30_000,
        intervalMs: 500,
      });
      connection.on('error', () => undefined);
      for (const queue of queues) {
        // One channel per deletion: a failed one closes its channel, not the clean-up.
        try {
          const channel = await connection.createChannel();
          channel.on('error', () => undefined);
          await channel.deleteQueue(queue);
          await channel.close();
        } catch (error) {
          this.note(`could not delete queue ${queue}: ${error}`);
        }
      }
      await connection.close();
    } catch (error) {
      this.note(`could not delete queues ${queues.join(', ')}: ${error}`);
    }
  }
}

/** A JSON body of exactly BODY_BYTES bytes. */
function body(seq: number): Buffer {
  const json = JSON.stringify({ orderId: `ord-${seq}`, seq, amountCents: 1999 + (seq % 100), pad: '' });
  return Buffer.from(json.replace('"pad":""', `"pad":"${'x'.repeat(BODY_BYTES - json.length)}"`), 'utf8');
}
