import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';

const COPY_ID_HEADER = 'x-courier-copy-id';

/**
 * Publishes copies (retries, dead letters) with `mandatory` and resolves only when the
 * broker confirmed one that was routed. A copy to a queue that is gone comes back as
 * `basic.return`, which RabbitMQ sends before its confirm on the same channel: it is
 * refused, so the original is never acked into nowhere.
 */
export class CopyPublisher {
  private readonly returned = new Set<string>();

  constructor(private readonly channel: ConfirmChannel) {
    channel.on('return', (message: ConsumeMessage) => {
      const id = message.properties.headers?.[COPY_ID_HEADER];
      if (typeof id === 'string') this.returned.add(id);
    });
  }

  publish(queue: string, content: Buffer, options: Options.Publish): Promise<void> {
    const id = randomUUID();
    const headers = { ...options.headers, [COPY_ID_HEADER]: id };
    return new Promise((resolve, reject) => {
      try {
        this.channel.sendToQueue(
          queue,
          content,
          { ...options, headers, mandatory: true },
          (error: unknown) => {
            const unroutable = this.returned.delete(id);
            if (error) reject(error instanceof Error ? error : new Error('copy nacked by the broker'));
            else if (unroutable) reject(new Error(`queue "${queue}" does not exist: the copy was returned`));
            else resolve();
          },
        );
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}
