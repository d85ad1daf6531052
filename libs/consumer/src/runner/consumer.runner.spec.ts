import { ConsumerHeaders } from '../consumer.constants';
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
});
