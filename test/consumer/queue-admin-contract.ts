import {
  ConsumerHeaders,
  ConsumerRunner,
  DeadLetterSelectionError,
  DeadLetterWindowError,
  MAX_DEAD_LETTER_WINDOW,
  Outcome,
  UnknownConsumerQueueError,
  type ConsumerFactory,
  type ConsumerQueueAdmin,
  type ConsumerRunnerOptions,
  type DeadLetterPage,
  type Message,
  type Processor,
} from '@courier-nest/consumer';
import { quietLogger as quiet } from '../harness/broker';
import { waitFor } from '../harness/wait-for';
import type { ContractMessage } from './consumer-contract';

export interface AdminPublishOptions {
  messageId?: string;
  type?: string;
  contentType?: string;
  headers?: Record<string, unknown>;
}

/** What the queue-admin contract needs from a transport, and nothing more. */
export interface QueueAdminContractTransport {
  open(): Promise<void>;
  close(): Promise<void>;
  /** A fresh consumer queue the admin serves, with an empty dead-letter queue `<queue>.dead`. */
  newQueue(): Promise<string>;
  publish(queue: string, payload: Buffer, options?: AdminPublishOptions): Promise<void>;
  /** The consumer factory of a queue `newQueue` made (on a connection apart from the admin's). */
  factory(queue: string): ConsumerFactory;
  admin(): ConsumerQueueAdmin;
  /** Takes every ready message of a queue, head first, as a third consumer would. */
  drain(queue: string): Promise<ContractMessage[]>;
}

/** A dead letter as the consumer component writes one. */
const deadHeaders = (queue: string, attempt = 3) => ({
  [ConsumerHeaders.deadLetterReason]: 'gave up after 3 attempts: Error: boom',
  [ConsumerHeaders.originalExchange]: '',
  [ConsumerHeaders.originalRoutingKey]: queue,
  [ConsumerHeaders.originalQueue]: queue,
  [ConsumerHeaders.attempt]: attempt,
  [ConsumerHeaders.deadLetteredAt]: '2025-01-02T03:04:05.000Z',
});

/**
 * The queue-admin contract (STYLE #13): the RabbitMQ admin and the in-memory one must both
 * pass it, so code written against `ConsumerQueueAdmin` (the console) can be tested in memory.
 */
export function describeQueueAdminContract(
  name: string,
  makeTransport: () => QueueAdminContractTransport,
): void {
  describe(`queue admin contract: ${name}`, () => {
    const transport = makeTransport();
    const runners: ConsumerRunner[] = [];
    let admin: ConsumerQueueAdmin;

    beforeAll(async () => {
      await transport.open();
      admin = transport.admin();
    });
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    });
    afterAll(() => transport.close());

    async function run(queue: string, processor: Processor, options: ConsumerRunnerOptions = {}) {
      const runner = new ConsumerRunner(transport.factory(queue), processor, {
        logger: quiet,
        retryBackoff: { initialDelayMs: 20, maxDelayMs: 40, jitter: 0 },
        ...options,
      });
      runners.push(runner);
      runner.start();
      await runner.waitUntilConsuming();
      return runner;
    }

    async function deadLetters(queue: string, ids: string[]): Promise<void> {
      for (const id of ids) {
        await transport.publish(`${queue}.dead`, Buffer.from(`{"id":"${id}"}`), {
          messageId: id,
          headers: deadHeaders(queue),
        });
      }
    }

    const idsOf = (messages: ContractMessage[]) => messages.map((message) => message.messageId);
    const range = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

    it('counts a queue: ready messages, consumers, dead letters, messages waiting to be retried', async () => {
      const queue = await transport.newQueue();
      for (const id of range('m', 3)) await transport.publish(queue, Buffer.from('{}'), { messageId: id });
      await deadLetters(queue, range('d', 2));
      expect(await admin.stats(queue)).toEqual({
        queue,
        depth: 3,
        consumers: 0,
        retryDepth: 0,
        deadLetterQueue: `${queue}.dead`,
        deadDepth: 2,
      });

      await run(queue, () => Outcome.requeue('not now', 60_000));
      const stats = await waitFor(async () => {
        const now = await admin.stats(queue);
        return now.retryDepth === 3 && now.depth === 0 && now.consumers === 1 ? now : undefined;
      }, 'three messages waiting out their retry, one consumer');
      expect(stats.deadDepth).toBe(2);
    });

    it('peeks at a window from the head, reading the dead-letter headers, and takes nothing', async () => {
      const queue = await transport.newQueue();
      await deadLetters(queue, range('d', 5));
      const page = await admin.peekDead(queue, { offset: 1, limit: 2 });
      expect(page.total).toBe(5);
      expect(page.items).toEqual([
        {
          queue,
          deadLetterQueue: `${queue}.dead`,
          position: 1,
          messageId: 'd-1',
          type: null,
          payload: '{"id":"d-1"}',
          payloadEncoding: 'utf8',
          contentType: null,
          headers: expect.objectContaining({
            [ConsumerHeaders.deadLetterReason]: 'gave up after 3 attempts: Error: boom',
            [ConsumerHeaders.attempt]: '3',
          }),
          reason: 'gave up after 3 attempts: Error: boom',
          attempts: 3,
          deadLetteredAt: new Date('2025-01-02T03:04:05.000Z'),
          originalQueue: queue,
        },
        expect.objectContaining({ position: 2, messageId: 'd-2' }),
      ]);
      expect(await admin.peekDead(queue, { offset: 4, limit: 10 })).toMatchObject({
        total: 5,
        items: [{ position: 4, messageId: 'd-4' }],
      });
      expect(idsOf(await transport.drain(`${queue}.dead`))).toEqual(range('d', 5));
    });

    it('never loses or reorders a dead letter: peek twice, then a consumer reads the same queue', async () => {
      const queue = await transport.newQueue();
      await deadLetters(queue, range('d', 30));
      const first = await admin.peekDead(queue, { offset: 0, limit: 10 });
      const second = await admin.peekDead(queue, { offset: 5, limit: 25 });
      expect(first.items.map((item) => item.messageId)).toEqual(range('d', 10));
      expect(second.items.map((item) => item.position)).toEqual(Array.from({ length: 25 }, (_, i) => i + 5));
      expect(second.items.map((item) => item.messageId)).toEqual(range('d', 30).slice(5));
      expect(idsOf(await transport.drain(`${queue}.dead`))).toEqual(range('d', 30));
    });

    it('peeks while the consumer dead-letters more: those there keep their places, new ones join the tail', async () => {
      const queue = await transport.newQueue();
      await deadLetters(queue, range('old', 20));
      await run(
        queue,
        () => {
          throw new Error('broken');
        },
        { failureStrategy: 'dead-letter' },
      );
      const publishing = (async () => {
        for (const id of range('new', 40))
          await transport.publish(queue, Buffer.from('{}'), { messageId: id });
      })();
      const pages: DeadLetterPage[] = [];
      await waitFor(async () => {
        pages.push(await admin.peekDead(queue, { offset: 0, limit: 25 }));
        return pages.at(-1)!.total === 60;
      }, 'all forty dead-lettered');
      await publishing;
      expect(pages.length).toBeGreaterThan(1);
      for (const page of pages) {
        expect(page.items.slice(0, 20).map((item) => item.messageId)).toEqual(range('old', 20));
        expect(page.items.map((item) => item.position)).toEqual(page.items.map((_, i) => i));
      }
      expect(idsOf(await transport.drain(`${queue}.dead`))).toEqual([
        ...range('old', 20),
        ...range('new', 40),
      ]);
    });

    it('requeues by id: the consumer sees it again once, same id and body, at attempt 1; the others stay in order', async () => {
      const queue = await transport.newQueue();
      let fixed = false;
      const seen: Message[] = [];
      const runner = await run(
        queue,
        (message) => {
          if (!fixed) throw new Error('not fixed yet');
          seen.push(message);
        },
        { maxAttempts: 2 },
      );
      for (const id of ['m-1', 'm-2', 'm-3']) {
        await transport.publish(queue, Buffer.from(`{"id":"${id}"}`), {
          messageId: id,
          type: 'job.created',
          contentType: 'application/json',
          headers: { tenant: 'acme' },
        });
      }
      await waitFor(async () => (await admin.stats(queue)).deadDepth === 3, 'three dead letters');
      expect((await admin.peekDead(queue, { offset: 0, limit: 3 })).items).toEqual([
        expect.objectContaining({ messageId: 'm-1', attempts: 2, type: 'job.created' }),
        expect.objectContaining({ messageId: 'm-2', attempts: 2 }),
        expect.objectContaining({ messageId: 'm-3', attempts: 2 }),
      ]);

      fixed = true;
      expect(await admin.requeueDead(queue, { messageIds: ['m-2', 'not-there'] })).toEqual(['m-2']);
      await waitFor(() => seen.length === 1 && runner.inFlight === 0, 'm-2 processed');
      const [again] = seen;
      expect(again).toMatchObject({ id: 'm-2', attempt: 1, source: queue });
      expect(again.payload.toString()).toBe('{"id":"m-2"}');
      expect(again.attributes).toMatchObject({
        messageId: 'm-2',
        type: 'job.created',
        contentType: 'application/json',
        routingKey: queue,
      });
      expect(again.attributes.headers.tenant).toBe('acme');
      for (const header of [
        ConsumerHeaders.attempt,
        ConsumerHeaders.deadLetterReason,
        ConsumerHeaders.deadLetteredAt,
        ConsumerHeaders.originalQueue,
      ]) {
        expect(again.attributes.headers[header]).toBeUndefined();
      }
      expect(await admin.stats(queue)).toMatchObject({ depth: 0, retryDepth: 0, deadDepth: 2 });
      expect(
        (await admin.peekDead(queue, { offset: 0, limit: 10 })).items.map((item) => item.messageId),
      ).toEqual(['m-1', 'm-3']);
      expect(seen.map((message) => message.id)).toEqual(['m-2']);

      expect(await admin.requeueDead(queue, { all: true })).toEqual(['m-1', 'm-3']);
      await waitFor(() => seen.length === 3 && runner.inFlight === 0, 'm-1 and m-3 processed');
      expect(seen.map((message) => [message.id, message.attempt])).toEqual([
        ['m-2', 1],
        ['m-1', 1],
        ['m-3', 1],
      ]);
      expect(await admin.stats(queue)).toMatchObject({ depth: 0, deadDepth: 0 });
    });

    it('requeues { all } at most as many as were there: one that dies again is not moved twice', async () => {
      const queue = await transport.newQueue();
      await deadLetters(queue, range('d', 5));
      let calls = 0;
      await run(
        queue,
        () => {
          calls++;
          throw new Error('still broken');
        },
        { failureStrategy: 'dead-letter' },
      );
      expect(await admin.requeueDead(queue, { all: true })).toEqual(range('d', 5));
      await waitFor(
        async () => calls === 5 && (await admin.stats(queue)).deadDepth === 5,
        'all five dead again',
      );
      const page = await admin.peekDead(queue, { offset: 0, limit: 10 });
      expect(page.items.map((item) => [item.messageId, item.attempts, item.reason])).toEqual(
        range('d', 5).map((id) => [id, 1, 'Error: still broken']),
      );
    });

    it('purges by id, the others staying in order, or all of them', async () => {
      const queue = await transport.newQueue();
      await deadLetters(queue, range('d', 6));
      expect(await admin.purgeDead(queue, { messageIds: ['d-1', 'd-4', 'not-there'] })).toBe(2);
      const page = await admin.peekDead(queue, { offset: 0, limit: 10 });
      expect(page.items.map((item) => item.messageId)).toEqual(['d-0', 'd-2', 'd-3', 'd-5']);
      expect(await admin.purgeDead(queue, { all: true })).toBe(4);
      expect(await admin.stats(queue)).toMatchObject({ deadDepth: 0 });
      expect(await admin.requeueDead(queue, { all: true })).toEqual([]);
    });

    it('shows a body that is not UTF-8 as base64, and headers that are not text as text', async () => {
      const queue = await transport.newQueue();
      await transport.publish(`${queue}.dead`, Buffer.from([0xff, 0xfe, 0x00, 0x41]), {
        messageId: 'binary',
        headers: {
          count: 5,
          flag: true,
          [ConsumerHeaders.attempt]: 'many',
          [ConsumerHeaders.deadLetteredAt]: 'soon',
        },
      });
      await deadLetters(queue, ['after']);
      const { items } = await admin.peekDead(queue, { offset: 0, limit: 2 });
      expect(items[0]).toMatchObject({
        messageId: 'binary',
        payload: Buffer.from([0xff, 0xfe, 0x00, 0x41]).toString('base64'),
        payloadEncoding: 'base64',
        attempts: null,
        deadLetteredAt: null,
        reason: null,
        originalQueue: null,
      });
      expect(items[0].headers).toMatchObject({ count: '5', flag: 'true' });
      expect(items[1]).toMatchObject({ messageId: 'after', payloadEncoding: 'utf8' });
    });

    it('refuses a window past the maximum, saying the queue is read from its head', async () => {
      const queue = await transport.newQueue();
      const tooFar = admin.peekDead(queue, { offset: MAX_DEAD_LETTER_WINDOW - 10, limit: 20 });
      await expect(tooFar).rejects.toBeInstanceOf(DeadLetterWindowError);
      await expect(tooFar).rejects.toThrow(
        /can only be read from its head.*requeue or purge those ahead of them/,
      );
      await expect(admin.peekDead(queue, { offset: -1, limit: 5 })).rejects.toBeInstanceOf(
        DeadLetterWindowError,
      );
      await expect(admin.requeueDead(queue, {} as never)).rejects.toBeInstanceOf(DeadLetterSelectionError);
    });

    it('refuses a queue no consumer consumes, naming the consumer queues', async () => {
      const queue = await transport.newQueue();
      const error = await admin.stats('no-such-queue').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnknownConsumerQueueError);
      expect((error as UnknownConsumerQueueError).knownQueues).toContain(queue);
      expect((error as Error).message).toContain(`consumer queues: `);
      await expect(admin.peekDead(`${queue}.dead`, { offset: 0, limit: 1 })).rejects.toThrow(
        `It is the dead-letter queue of "${queue}": pass "${queue}".`,
      );
    });
  });
}
