import type { Message } from '../interfaces/message.interface';
import { DeliveryBuffer } from './delivery-buffer';

function message(id: string, nacked: string[]): Message {
  return { id, nack: async () => void nacked.push(id) } as unknown as Message;
}

/** A process whose runs end when the test says so. */
function gated() {
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const process = (m: Message) => {
    started.push(m.id);
    return new Promise<unknown>((resolve) => finish.set(m.id, () => resolve(undefined)));
  };
  return { started, finish, process };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('DeliveryBuffer', () => {
  it('runs as many as there are slots, and starts the next waiting one as a run ends', async () => {
    const { started, finish, process } = gated();
    const buffer = new DeliveryBuffer(
      process,
      () => 2,
      () => undefined,
    );
    for (const id of ['a', 'b', 'c']) buffer.add(message(id, []));
    expect(started).toEqual(['a', 'b']);
    expect(buffer.inFlight).toBe(2);
    finish.get('a')!();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('starts nothing while there is no slot, and what waits when pumped after', () => {
    const { started, process } = gated();
    let slots = 0;
    const buffer = new DeliveryBuffer(
      process,
      () => slots,
      () => undefined,
    );
    buffer.add(message('a', []));
    expect(started).toEqual([]);
    slots = 1;
    buffer.pump();
    expect(started).toEqual(['a']);
  });

  it('gives back only the waiting ones, counting each', () => {
    const { process } = gated();
    const nacked: string[] = [];
    const givenBack = jest.fn();
    const buffer = new DeliveryBuffer(process, () => 1, givenBack);
    for (const id of ['a', 'b', 'c']) buffer.add(message(id, nacked));
    buffer.giveBackWaiting();
    expect(nacked).toEqual(['b', 'c']);
    expect(givenBack).toHaveBeenCalledTimes(2);
    expect(buffer.inFlight).toBe(1);
  });

  it('says whether the runs it was given ended in time, and how many still run', async () => {
    const { finish, process } = gated();
    const buffer = new DeliveryBuffer(
      process,
      () => 2,
      () => undefined,
    );
    buffer.add(message('a', []));
    buffer.add(message('b', []));
    const running = buffer.runningNow();
    await expect(buffer.settledWithin(running, 0)).resolves.toBe(false);
    await expect(buffer.settledWithin(running, 5)).resolves.toBe(false);
    finish.get('a')!();
    await tick();
    expect(buffer.stillRunning(running)).toBe(1);
    const settled = buffer.settledWithin(running, 60_000);
    finish.get('b')!();
    await expect(settled).resolves.toBe(true);
    await expect(buffer.settledWithin(running, 0)).resolves.toBe(true);
  });
});
