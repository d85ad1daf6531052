import type { ConfirmChannel, GetMessage } from 'amqplib';
import type { RabbitMQConnection } from '../connection/rabbitmq.connection';
import { isNotFound } from './queue-counts.reader';

/**
 * Reads a queue from its head with `basic.get`, holding every message unacknowledged until
 * `close`, which gives back all that were not acked. A classic queue puts a message given
 * back at the place it was taken from, so reading never reorders the queue; a message held
 * when the process dies goes back the same way. On a confirm channel, so what is read can
 * be copied elsewhere before it is acked.
 */
export class DeadLetterHeadReader {
  private open = true;

  private constructor(
    readonly channel: ConfirmChannel,
    readonly queue: string,
    /** Ready messages when the read began. */
    readonly total: number,
  ) {}

  /** A reader of `queue`, or undefined if the queue does not exist. */
  static async open(
    connection: RabbitMQConnection,
    queue: string,
  ): Promise<DeadLetterHeadReader | undefined> {
    await connection.waitUntilConnected(5_000);
    const channel = await connection.createConfirmChannel();
    // Heard, so a broker error on this channel never takes the shared connection down;
    // the call that caused it rejects with it.
    channel.on('error', () => undefined);
    try {
      const { messageCount } = await channel.checkQueue(queue);
      const reader = new DeadLetterHeadReader(channel, queue, messageCount);
      channel.on('close', () => (reader.open = false));
      return reader;
    } catch (error) {
      await channel.close().catch(() => undefined);
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The next message from the head, held; false at the end of the queue. */
  next(): Promise<GetMessage | false> {
    return this.channel.get(this.queue, { noAck: false });
  }

  /** Removes a held message from the queue for good. */
  ack(message: GetMessage): void {
    this.channel.ack(message);
  }

  /** Gives back every held message not acked, in their places, and closes the channel. */
  async close(): Promise<void> {
    if (this.open) {
      try {
        this.channel.nackAll(true);
      } catch {
        // closed under us: the broker gave them back already
      }
    }
    this.open = false;
    await this.channel.close().catch(() => undefined);
  }
}
