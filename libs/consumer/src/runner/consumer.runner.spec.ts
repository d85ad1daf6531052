import { ConsumerHeaders } from '../consumer.constants';
import { DrainTimeoutError } from '../errors/drain-timeout.error';
import type { ConsumerObserver } from '../interfaces/consumer-observer.interface';
import { Outcome } from '../interfaces/processor.interface';
import { InMemoryBroker } from '../memory/in-memory.broker';
import { ConsumerRunner } from './consumer.runner';

const quiet = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('ConsumerRunner (in-memory transport)', () => {
  let broker: InMemoryBroker;
  beforeEach(() => (broker = new InMemoryBroker()));
  afterEach(() => broker.close());

  it('fails a processor that outlives processTimeoutMs, aborting its signal', async () => {
    let aborted: unknown;
    const runner = new ConsumerRunner(
      broker.consumerFactory('slow'),
      (_message, { signal }) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            aborted = signal.reason;
            resolve();
          }),
        ),
      { logger: quiet, processTimeoutMs: 20, failureStrategy: 'dead-letter' },
    );
    runner.start();
    broker.publish('slow', 'x', { messageId: 'm-1' });
    await until(() => broker.messages('slow.dead').length === 1);
    const [dead] = broker.messages('slow.dead');
    expect(dead.attributes.headers[ConsumerHeaders.deadLetterReason]).toBe(
      'ProcessTimeoutError: Processing message m-1 took longer than 20 ms',
    );
    expect(String(aborted)).toBe('ProcessTimeoutError: Processing message m-1 took longer than 20 ms');
    await runner.stop();
  });

  it('holds a released message, and gives it back at once when stopped', async () => {
    let deliveries = 0;
    const runner = new ConsumerRunner(
      broker.consumerFactory('outage'),
      () => (deliveries++, Outcome.release('database down', 600_000)),
      { logger: quiet },
    );
    runner.start();
    broker.publish('outage', 'x', { messageId: 'm-2' });
    await until(() => deliveries === 1 && runner.inFlight === 1);
    expect(broker.messages('outage')).toHaveLength(0); // held, not requeued in a loop
    await runner.stop(); // a ten-minute hold would time this test out
    expect(broker.messages('outage').map((m) => m.id)).toEqual(['m-2']);
    expect(broker.messages('outage')[0].attributes.headers[ConsumerHeaders.attempt]).toBeUndefined(); // not an attempt
    expect(deliveries).toBe(1);
  });

  describe('pause', () => {
    /** A processor that waits for `release()`, writing what happens to `events`. */
    function gatedProcessor(events: string[]) {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const observer: ConsumerObserver = {
        received() {},
        started() {},
        settled: (_source, kind) => void events.push(`settled ${kind}`),
        givenBack: () => void events.push('given back'),
      };
      const processor = async (message: { id: string }) => {
        events.push(`started ${message.id}`);
        await gate;
        events.push(`finished ${message.id}`);
      };
      return { processor, observer, release: () => release() };
    }

    it('with drain, resolves only after the running processor finished and settled; nothing new starts', async () => {
      const events: string[] = [];
      const { processor, observer, release } = gatedProcessor(events);
      const runner = new ConsumerRunner(broker.consumerFactory('drain'), processor, {
        logger: quiet,
        observer,
        concurrency: 1,
        prefetch: 2, // m-2 waits in the runner's buffer while m-1 runs
      });
      runner.start();
      broker.publish('drain', 'x', { messageId: 'm-1' });
      broker.publish('drain', 'x', { messageId: 'm-2' });
      await until(() => events.includes('started m-1') && broker.messages('drain').length === 0);

      const drained = runner.pause({ drain: true }).then(() => void events.push('drained'));
      // m-2 goes back to the queue, not to the processor; m-1 is still running.
      await until(() => broker.messages('drain').length === 1);
      expect(broker.messages('drain').map((m) => m.id)).toEqual(['m-2']);
      expect(runner.inFlight).toBe(1);
      release();
      await drained;

      expect(events).toEqual(['started m-1', 'given back', 'finished m-1', 'settled ack', 'drained']);
      expect(runner.inFlight).toBe(0);
      expect(runner.status).toBe('paused');
      expect(broker.messages('drain').map((m) => m.id)).toEqual(['m-2']); // m-1 acked, m-2 untouched

      await runner.resume();
      await until(() => events.includes('finished m-2'));
      await runner.stop();
    });

    it('without drain, resolves while the processor is still running (the former behaviour)', async () => {
      const events: string[] = [];
      const { processor, observer, release } = gatedProcessor(events);
      const runner = new ConsumerRunner(broker.consumerFactory('nodrain'), processor, {
        logger: quiet,
        observer,
      });
      runner.start();
      broker.publish('nodrain', 'x', { messageId: 'm-1' });
      await until(() => events.includes('started m-1'));
      await runner.pause();
      expect(runner.inFlight).toBe(1);
      expect(events).toEqual(['started m-1']);
      release();
      await runner.stop();
      expect(events).toEqual(['started m-1', 'finished m-1', 'settled ack']);
    });

    it('with drain on a runner already paused, waits for the processors still running', async () => {
      const events: string[] = [];
      const { processor, observer, release } = gatedProcessor(events);
      const runner = new ConsumerRunner(broker.consumerFactory('repause'), processor, {
        logger: quiet,
        observer,
      });
      runner.start();
      broker.publish('repause', 'x', { messageId: 'm-1' });
      await until(() => events.includes('started m-1'));
      await runner.pause();
      const drained = runner.pause({ drain: true }).then(() => void events.push('drained'));
      release();
      await drained;
      expect(events).toEqual(['started m-1', 'finished m-1', 'settled ack', 'drained']);
      await runner.stop();
    });

    it('with drain, rejects with DrainTimeoutError after timeoutMs, aborting nothing and staying paused', async () => {
      let signal: AbortSignal | undefined;
      const runner = new ConsumerRunner(
        broker.consumerFactory('stuck'),
        (_message, context) => {
          signal = context.signal;
          return new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
        },
        { logger: quiet, shutdownTimeoutMs: 0 },
      );
      runner.start();
      broker.publish('stuck', 'x', { messageId: 'm-1' });
      await until(() => runner.inFlight === 1);

      const error = await runner.pause({ drain: true, timeoutMs: 20 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DrainTimeoutError);
      expect(error).toMatchObject({ source: 'stuck', timeoutMs: 20, inFlight: 1 });
      expect((error as Error).message).toBe(
        '1 message(s) of "stuck" still processing 20 ms after pause; the consumer stays paused and they keep running: wait again, or stop() to abort them.',
      );
      expect(signal?.aborted).toBe(false);
      expect(runner.status).toBe('paused');
      expect(runner.inFlight).toBe(1);
      await runner.stop(); // shutdownTimeoutMs 0: aborts the stuck processor
      expect(signal?.aborted).toBe(true);
    });

    it.each([-1, 1.5, Number.NaN])('refuses a drain timeoutMs of %p', async (timeoutMs) => {
      const runner = new ConsumerRunner(broker.consumerFactory('bad-timeout'), () => undefined, {
        logger: quiet,
      });
      runner.start();
      await expect(runner.pause({ drain: true, timeoutMs })).rejects.toThrow(
        `Option "timeoutMs" must be an integer from 0 to 2147483647; got ${timeoutMs}.`,
      );
      expect(runner.status).toBe('running'); // a bad call changes nothing
      await runner.stop();
    });
  });
});
