import { CheckedQueueAdmin, type AdminQueue } from '../admin/checked-queue.admin';
import { MAX_DEAD_LETTER_WINDOW, type DeadLetterTarget } from '../admin/dead-letter-request.checks';
import { toDeadLetter } from '../admin/dead-letter.view';
import { headersForRequeue } from '../admin/requeue-headers';
import { ConsumerHeaders } from '../consumer.constants';
import type {
  ConsumerQueueStats,
  DeadLetterPage,
  DeadLetterWindow,
} from '../interfaces/consumer-queue-admin.interface';
import type { InMemoryBroker } from './in-memory.broker';
import type { StoredMessage } from './in-memory.queue';

/**
 * The queue admin over an `InMemoryBroker`, for tests of code that uses the port (the
 * console's, say) without RabbitMQ. It serves the queues the broker made consumer factories
 * for, and passes the same contract suite as the RabbitMQ one.
 *
 * @example
 * const broker = new InMemoryBroker();
 * const admin = new InMemoryQueueAdmin(broker);
 * // ConsumerModule.forRoot({ transport: broker }), and { provide: CONSUMER_QUEUE_ADMIN, useValue: admin }
 */
export class InMemoryQueueAdmin extends CheckedQueueAdmin {
  constructor(private readonly broker: InMemoryBroker) {
    super();
  }

  protected *consumerQueues(): Iterable<AdminQueue> {
    for (const [queue, deadLetterQueue] of this.broker.consumerQueues()) yield { queue, deadLetterQueue };
  }

  protected async readStats({ queue, deadLetterQueue }: AdminQueue): Promise<ConsumerQueueStats> {
    return {
      queue,
      depth: this.broker.messages(queue).length,
      consumers: this.broker.consumerCount(queue),
      retryDepth: this.broker.retryCount(queue),
      deadLetterQueue,
      deadDepth: this.broker.messages(deadLetterQueue).length,
    };
  }

  protected async readDead(target: AdminQueue, { offset, limit }: DeadLetterWindow): Promise<DeadLetterPage> {
    const all = this.broker.messages(target.deadLetterQueue);
    return {
      total: all.length,
      items: all
        .slice(offset, offset + limit)
        .map((message, index) =>
          toDeadLetter(
            { ...target, position: offset + index },
            { ...message.attributes, messageId: idOf(message), payload: message.payload },
          ),
        ),
    };
  }

  protected async moveDead(target: AdminQueue, which: DeadLetterTarget): Promise<string[]> {
    const taken = this.take(target, which);
    for (const message of taken) {
      const headers = message.attributes.headers;
      this.broker.publish(target.queue, message.payload, {
        ...message.attributes, // `redelivered` is not taken: a publish is a first delivery
        messageId: idOf(message),
        // As the RabbitMQ transport shows it: the routing it had before it died.
        exchange: text(headers[ConsumerHeaders.originalExchange]) ?? '',
        routingKey: text(headers[ConsumerHeaders.originalRoutingKey]) ?? target.queue,
        headers: headersForRequeue(headers),
      });
    }
    return taken.map(idOf);
  }

  protected async deleteDead(target: AdminQueue, which: DeadLetterTarget): Promise<number> {
    return this.take(target, which).length;
  }

  /** The dead letters `which` names, as a scan from the head would find them (see the port). */
  private take({ deadLetterQueue }: AdminQueue, which: DeadLetterTarget): StoredMessage[] {
    if ('all' in which) {
      return this.broker.take(deadLetterQueue, () => true, this.broker.messages(deadLetterQueue).length);
    }
    const wanted = which.messageIds;
    const found = new Set<string>();
    const select = (message: StoredMessage) => {
      if (found.size === wanted.size || !wanted.has(idOf(message))) return false;
      found.add(idOf(message));
      return true;
    };
    return this.broker.take(deadLetterQueue, select, MAX_DEAD_LETTER_WINDOW);
  }
}

/** The id its consumer handled it under: the message id, or the one the broker gave it. */
function idOf(message: StoredMessage): string {
  return message.attributes.messageId ?? message.id;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
