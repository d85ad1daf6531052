import {
  ConsumerHeaders,
  ConsumerRunner,
  Outcome,
  type ConsumerFactory,
  type ConsumerRunnerOptions,
  type Message,
  type Processor,
} from '@courier-nest/consumer';
import { quietLogger as quiet } from '../harness/broker';
import { waitFor } from '../harness/wait-for';

export interface ContractMessage {
  payload: Buffer;
  headers: Record<string, unknown>;
  messageId?: string;
  routingKey?: string;
}

/** What the contract needs from a transport, and nothing more. */
export interface ContractTransport {
  open(): Promise<void>;
  close(): Promise<void>;
  /** A fresh, empty queue for one test. */
  newQueue(): Promise<string>;
  publish(
    queue: string,
    payload: Buffer,
    options?: { messageId?: string; headers?: Record<string, unknown>; contentType?: string },
  ): Promise<void>;
  factory(queue: string): ConsumerFactory;
  /** Messages waiting in the queue (not delivered ones). */
  ready(queue: string): Promise<number>;
  /** Takes what reached the error destination of `queue`. */
  takeDeadLetters(queue: string): Promise<ContractMessage[]>;
  /** Breaks the consumers of `queue` the way a lost channel or connection would. */
  breakConsumers(queue: string): Promise<void>;
}

/**
 * The consumer contract (STYLE #13): every ConsumerFactory — RabbitMQ and in-memory —
 * must pass it, run through the runner users get.
 */
export function describeConsumerContract(name: string, makeTransport: () => ContractTransport): void {
  describe(`consumer contract: ${name}`, () => {
    const transport = makeTransport();
    const runners: ConsumerRunner[] = [];

    beforeAll(() => transport.open());
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    });
    afterAll(() => transport.close());

    async function run(
      queue: string,
      processor: Processor,
      options: ConsumerRunnerOptions = {},
      { waitUntilConsuming = !options.startPaused } = {},
    ): Promise<ConsumerRunner> {
      const runner = new ConsumerRunner(transport.factory(queue), processor, {
        logger: quiet,
        retryBackoff: { initialDelayMs: 20, maxDelayMs: 40, jitter: 0 },
        ...options,
      });
      runners.push(runner);
      runner.start();
      if (waitUntilConsuming) await runner.waitUntilConsuming();
      return runner;
    }

    async function deadLettersOf(queue: string, count: number): Promise<ContractMessage[]> {
      const taken: ContractMessage[] = [];
      await waitFor(async () => {
        taken.push(...(await transport.takeDeadLetters(queue)));
        return taken.length >= count;
      }, `${count} dead letter(s) of ${queue}`);
      return taken;
    }

    it('delivers the payload byte for byte with its attributes, and an ack removes it', async () => {
      const queue = await transport.newQueue();
      const payload = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await transport.publish(queue, payload, {
        messageId: 'm-1',
        headers: { tenant: 'acme' },
        contentType: 'application/octet-stream',
      });
      const seen: Message[] = [];
      const runner = await run(queue, (message) => void seen.push(message));
      await waitFor(() => seen.length === 1, 'the delivery');
      const [message] = seen;
      expect(message.payload.equals(payload)).toBe(true);
      expect(message).toMatchObject({ id: 'm-1', source: queue, attempt: 1 });
      expect(message.attributes).toMatchObject({
        messageId: 'm-1',
        contentType: 'application/octet-stream',
        redelivered: false,
      });
      expect(message.attributes.headers.tenant).toBe('acme');
      await runner.stop();
      expect(await transport.ready(queue)).toBe(0);
    });

    it('keeps the order of a queue for a consumer of concurrency 1', async () => {
      const queue = await transport.newQueue();
      for (let i = 0; i < 30; i++) await transport.publish(queue, Buffer.from(String(i)));
      const order: number[] = [];
      await run(queue, (message) => void order.push(Number(message.payload.toString())));
      await waitFor(() => order.length === 30, '30 deliveries');
      expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
    });

    it('requeues with a counter that grows on each attempt, then succeeds', async () => {
      const queue = await transport.newQueue();
      await transport.publish(queue, Buffer.from('{}'), { messageId: 'again' });
      const attempts: number[] = [];
      await run(queue, (message) => {
        attempts.push(message.attempt);
        return message.attempt < 3 ? Outcome.requeue('not yet') : Outcome.ack();
      });
      await waitFor(() => attempts.length === 3, 'three attempts');
      expect(attempts).toEqual([1, 2, 3]);
      expect(await transport.takeDeadLetters(queue)).toEqual([]);
    });

    it('dead-letters after maxAttempts, with reason, origin and attempt count in headers', async () => {
      const queue = await transport.newQueue();
      await transport.publish(queue, Buffer.from('poison'), { messageId: 'poison' });
      const attempts: number[] = [];
      await run(
        queue,
        (message) => {
          attempts.push(message.attempt);
          throw new Error('always fails');
        },
        { maxAttempts: 3 },
      );
      const [dead] = await deadLettersOf(queue, 1);
      expect(attempts).toEqual([1, 2, 3]);
      expect(dead.payload.toString()).toBe('poison');
      expect(dead.messageId).toBe('poison');
      expect(dead.headers[ConsumerHeaders.deadLetterReason]).toBe(
        'gave up after 3 attempts: Error: always fails',
      );
      expect(dead.headers[ConsumerHeaders.originalQueue]).toBe(queue);
      expect(dead.headers[ConsumerHeaders.originalRoutingKey]).toBe(queue);
      expect(Number(dead.headers[ConsumerHeaders.attempt])).toBe(3);
    });

    it('dead-letters a rejected message at once, and one that is not valid JSON', async () => {
      const queue = await transport.newQueue();
      await transport.publish(queue, Buffer.from('{"ok":false}'), { messageId: 'rejected' });
      await transport.publish(queue, Buffer.from('{"__proto__":{"x":1}}'), { messageId: 'polluted' });
      await run(queue, (message) => {
        const body = message.decode<{ ok: boolean }>();
        return body.ok ? Outcome.ack() : Outcome.reject('order is not valid');
      });
      const dead = await deadLettersOf(queue, 2);
      const reasons = Object.fromEntries(
        dead.map((d) => [d.messageId, d.headers[ConsumerHeaders.deadLetterReason]]),
      );
      expect(reasons.rejected).toBe('rejected: order is not valid');
      expect(reasons.polluted).toMatch(/^MessageDecodeError: Message polluted cannot be decoded as JSON/);
    });

    it('applies the failure strategies "dead-letter" (no retries) and "ack" (drop)', async () => {
      const deadQueue = await transport.newQueue();
      const dropQueue = await transport.newQueue();
      await transport.publish(deadQueue, Buffer.from('b'));
      await transport.publish(dropQueue, Buffer.from('c'));
      let calls = 0;
      const failing = () => {
        calls++;
        throw new Error('boom');
      };
      await run(deadQueue, failing, { failureStrategy: 'dead-letter' });
      const [dead] = await deadLettersOf(deadQueue, 1);
      expect(dead.headers[ConsumerHeaders.deadLetterReason]).toBe('Error: boom');
      expect(Number(dead.headers[ConsumerHeaders.attempt])).toBe(1);

      const dropper = await run(dropQueue, failing, { failureStrategy: 'ack' });
      await waitFor(() => calls === 2 && dropper.inFlight === 0, 'the failed message settled');
      await dropper.stop();
      expect(calls).toBe(2);
      expect(await transport.ready(dropQueue)).toBe(0);
      expect(await transport.takeDeadLetters(dropQueue)).toEqual([]);
    });

    it('"exit" gives the message back, stops the runner and calls onExit once', async () => {
      const queue = await transport.newQueue();
      await transport.publish(queue, Buffer.from('x'), { messageId: 'fatal' });
      const exits: unknown[] = [];
      const runner = await run(
        queue,
        () => {
          throw new Error('cannot go on');
        },
        { failureStrategy: 'exit', onExit: (error) => exits.push(error) },
        { waitUntilConsuming: false }, // it may stop before it announces itself
      );
      await waitFor(() => exits.length === 1, 'onExit');
      expect(runner.status).toBe('stopped');
      expect(String(exits[0])).toBe('Error: cannot go on');
      await waitFor(async () => (await transport.ready(queue)) === 1, 'the message back in its queue');
    });

    it('runs exactly `concurrency` processors at once; scaling from 1 to 8 at run time takes more', async () => {
      const queue = await transport.newQueue();
      for (let i = 0; i < 20; i++) await transport.publish(queue, Buffer.from(String(i)));
      let running = 0;
      let release!: () => void;
      let gate = new Promise<void>((resolve) => (release = resolve));
      const runner = await run(
        queue,
        async () => {
          running++;
          await gate;
          running--;
        },
        { concurrency: 1 },
      );
      await waitFor(() => running === 1, 'one in flight');
      expect(await transport.ready(queue)).toBe(19);
      await runner.setConcurrency(8);
      await waitFor(() => running === 8, 'eight in flight');
      expect(runner.inFlight).toBe(8);
      release();
      gate = Promise.resolve();
      await waitFor(
        async () => running === 0 && (await transport.ready(queue)) === 0 && runner.inFlight === 0,
        'the rest',
      );
    });

    it('pause lets in-flight messages finish and takes no more; resume continues', async () => {
      const queue = await transport.newQueue();
      for (let i = 0; i < 6; i++) await transport.publish(queue, Buffer.from(String(i)));
      const done: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const runner = await run(
        queue,
        async (message) => {
          await gate;
          done.push(message.payload.toString());
        },
        { concurrency: 2 },
      );
      await waitFor(() => runner.inFlight === 2, 'two in flight');
      const paused = runner.pause();
      release();
      await paused;
      await waitFor(() => runner.inFlight === 0, 'in-flight ones finished');
      expect(done).toHaveLength(2);
      await waitFor(async () => (await transport.ready(queue)) === 4, 'the other four waiting in the queue');
      expect(done).toHaveLength(2);
      await runner.resume();
      await waitFor(() => done.length === 6, 'all six after resume');
    });

    it('an option starts it paused', async () => {
      const queue = await transport.newQueue();
      await transport.publish(queue, Buffer.from('later'));
      const seen: string[] = [];
      const runner = await run(queue, (message) => void seen.push(message.payload.toString()), {
        startPaused: true,
      });
      expect(runner.status).toBe('paused');
      expect(await transport.ready(queue)).toBe(1);
      await runner.resume();
      await waitFor(() => seen.length === 1, 'the delivery after resume');
    });

    it('recreates a broken consumer through the factory; nothing is lost', async () => {
      const queue = await transport.newQueue();
      const ids = Array.from({ length: 40 }, (_, i) => `m-${i}`);
      const seen = new Map<string, number>();
      let breakNow!: () => void;
      const reachedHalf = new Promise<void>((resolve) => (breakNow = resolve));
      const runner = await run(
        queue,
        async (message) => {
          seen.set(message.id, (seen.get(message.id) ?? 0) + 1);
          if (seen.size === 20) breakNow();
        },
        { concurrency: 4 },
      );
      for (const id of ids) await transport.publish(queue, Buffer.from(id), { messageId: id });
      await reachedHalf;
      await transport.breakConsumers(queue);
      await waitFor(() => seen.size === 40, 'every message after the consumer came back');
      await waitFor(() => runner.isConsuming, 'consuming again');
      await runner.stop();
      expect([...seen.keys()].sort()).toEqual([...ids].sort());
      expect(await transport.ready(queue)).toBe(0);
    });

    it('stop gives back what it did not start, and closing returns unsettled messages', async () => {
      const queue = await transport.newQueue();
      for (let i = 0; i < 5; i++) await transport.publish(queue, Buffer.from(String(i)));
      let started = 0;
      const runner = await run(
        queue,
        async (_message, { signal }) => {
          started++;
          await new Promise((resolve) => signal.addEventListener('abort', resolve));
        },
        { concurrency: 1, prefetch: 5, shutdownTimeoutMs: 50 },
      );
      await waitFor(() => started === 1, 'one started');
      await runner.stop();
      await waitFor(async () => (await transport.ready(queue)) === 5, 'all five back in the queue');
    });
  });
}
