import { UnknownConsumerQueueError } from '../errors/unknown-consumer-queue.error';
import type { ConsumerQueueStats, DeadLetterPage } from '../interfaces/consumer-queue-admin.interface';
import { CheckedQueueAdmin, type AdminQueue } from './checked-queue.admin';
import type { DeadLetterTarget } from './dead-letter-request.checks';

/** Records when each step starts and ends; a step waits for its gate. */
class RecordingAdmin extends CheckedQueueAdmin {
  readonly events: string[] = [];
  readonly gates = new Map<string, Promise<void>>();

  protected consumerQueues(): AdminQueue[] {
    return [
      { queue: 'jobs', deadLetterQueue: 'jobs.dead' },
      { queue: 'mail', deadLetterQueue: 'mail.dead' },
    ];
  }

  protected readStats(target: AdminQueue): Promise<ConsumerQueueStats> {
    return this.step(`stats ${target.queue}`, {
      ...target,
      depth: 0,
      consumers: 0,
      retryDepth: 0,
      deadDepth: 0,
    });
  }

  protected readDead(target: AdminQueue): Promise<DeadLetterPage> {
    return this.step(`peek ${target.queue}`, { items: [], total: 0 });
  }

  protected moveDead(target: AdminQueue, _which: DeadLetterTarget): Promise<string[]> {
    return this.step(`requeue ${target.queue}`, []);
  }

  protected async deleteDead(target: AdminQueue): Promise<number> {
    this.events.push(`purge ${target.queue}`);
    throw new Error('broker gone');
  }

  private async step<T>(name: string, result: T): Promise<T> {
    this.events.push(`start ${name}`);
    await this.gates.get(name);
    this.events.push(`end ${name}`);
    return result;
  }
}

describe('CheckedQueueAdmin', () => {
  it('runs the peeks, requeues and purges of one queue one after another, and goes on after a failure', async () => {
    const admin = new RecordingAdmin();
    let open!: () => void;
    admin.gates.set('peek jobs', new Promise((resolve) => (open = resolve)));
    const calls = [
      admin.peekDead('jobs', { offset: 0, limit: 1 }),
      admin.purgeDead('jobs', { all: true }).catch((error: Error) => error.message),
      admin.requeueDead('jobs', { all: true }),
    ];
    // Another queue's peek, and any stats, do not wait for the blocked peek.
    await admin.peekDead('mail', { offset: 0, limit: 1 });
    await admin.stats('jobs');
    expect(admin.events).toEqual([
      'start peek jobs',
      'start peek mail',
      'end peek mail',
      'start stats jobs',
      'end stats jobs',
    ]);
    open();
    expect(await Promise.all(calls)).toEqual([{ items: [], total: 0 }, 'broker gone', []]);
    expect(admin.events.slice(5)).toEqual([
      'end peek jobs',
      'purge jobs',
      'start requeue jobs',
      'end requeue jobs',
    ]);
  });

  it('refuses an unknown queue or a bad request before it reaches the transport', async () => {
    const admin = new RecordingAdmin();
    await expect(admin.stats('orders')).rejects.toThrow(
      new UnknownConsumerQueueError('orders', ['jobs', 'mail']),
    );
    await expect(admin.stats('orders')).rejects.toThrow(
      '"orders" is not a consumer queue here (consumer queues: jobs, mail). Pass the source queue of a consumer.',
    );
    await expect(admin.purgeDead('mail.dead', { all: true })).rejects.toThrow(
      '"mail.dead" is not a consumer queue here (consumer queues: jobs, mail). ' +
        'It is the dead-letter queue of "mail": pass "mail".',
    );
    await expect(admin.peekDead('jobs', { offset: 0, limit: 1_001 })).rejects.toThrow(/read from its head/);
    expect(admin.events).toEqual([]);
  });
});
