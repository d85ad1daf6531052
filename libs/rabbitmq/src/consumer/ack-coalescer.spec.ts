import type { ConsumeMessage } from 'amqplib';
import { AckCoalescer } from './ack-coalescer';

const delivery = (deliveryTag: number) => ({ fields: { deliveryTag } }) as ConsumeMessage;

describe('AckCoalescer', () => {
  let sent: Array<[tag: number, multiple: boolean]>;
  let flushes: Array<() => void>;
  let acks: AckCoalescer;

  beforeEach(() => {
    sent = [];
    flushes = [];
    acks = new AckCoalescer(
      { ack: (message, allUpTo) => void sent.push([message.fields.deliveryTag, allUpTo === true]) },
      (flush) => flushes.push(flush),
    );
  });

  const receive = (...tags: number[]) => tags.map((tag) => (acks.received(delivery(tag)), delivery(tag)));
  const runScheduled = () => flushes.splice(0).forEach((flush) => flush());

  it('sends nothing until the turn ends, then one multiple ack for a run from the oldest delivery', () => {
    const [d1, d2, d3] = receive(1, 2, 3);
    acks.ack(d3);
    acks.ack(d1);
    acks.ack(d2);
    expect(sent).toEqual([]);
    expect(flushes).toHaveLength(1);
    runScheduled();
    expect(sent).toEqual([[3, true]]);
  });

  it('never covers an unsettled delivery: acks past a gap go out one by one', () => {
    const [d1, , d3, d4] = receive(1, 2, 3, 4);
    acks.ack(d1);
    acks.ack(d3);
    acks.ack(d4);
    runScheduled();
    expect(sent).toEqual([
      [1, true],
      [3, false],
      [4, false],
    ]);
  });

  it('lets a run start after a delivery that was settled another way', () => {
    const [d1, d2, d3] = receive(1, 2, 3);
    acks.settledOtherwise(d1);
    acks.ack(d2);
    acks.ack(d3);
    runScheduled();
    expect(sent).toEqual([[3, true]]);
  });

  it('starts the next run at the oldest delivery still unsettled', () => {
    const [d1, d2, d3] = receive(1, 2, 3);
    acks.ack(d2);
    runScheduled();
    acks.ack(d1);
    acks.ack(d3);
    runScheduled();
    expect(sent).toEqual([
      [2, false],
      [3, true],
    ]);
  });

  it('flushes on demand (before the channel closes) and has nothing left for the scheduled turn', () => {
    const [d1] = receive(1, 2);
    acks.ack(d1);
    acks.flush();
    runScheduled();
    expect(sent).toEqual([[1, true]]);
  });
});
