import type { BusPublishRow } from '../postgres-bus';
import { CoalescedPublish } from './coalesced-publish';

const rows = (destination: string, count: number): BusPublishRow[] =>
  Array.from({ length: count }, () => ({
    destination,
    routingKey: 'r',
    messageId: null,
    body: Buffer.from('{}'),
    properties: {},
    headers: {},
  }));

describe('CoalescedPublish', () => {
  it('runs two at once, puts the batches that come meanwhile in one more, and answers each its own rows', async () => {
    const calls: string[][] = [];
    const releases: Array<() => void> = [];
    const coalesced = new CoalescedPublish(async (published) => {
      calls.push(published.map((row) => row.destination));
      await new Promise<void>((resolve) => releases.push(resolve));
      return published.map((row) => (row.destination === 'nowhere' ? 0 : 1));
    });
    const first = coalesced.run(rows('a', 1));
    const second = coalesced.run(rows('b', 1));
    const third = coalesced.run(rows('c', 2));
    const fourth = coalesced.run([...rows('nowhere', 1), ...rows('d', 1)]);
    expect(calls).toEqual([['a'], ['b']]);
    releases.shift()!();
    await expect(first).resolves.toEqual([1]);
    // The third and fourth went together, in the transaction the freed slot started.
    expect(calls[2]).toEqual(['c', 'c', 'nowhere', 'd']);
    releases.shift()!();
    releases.shift()!();
    await expect(second).resolves.toEqual([1]);
    await expect(third).resolves.toEqual([1, 1]);
    await expect(fourth).resolves.toEqual([0, 1]);
  });

  it('a failed transaction fails every batch that went in it, and the next ones go on', async () => {
    let fail = true;
    const coalesced = new CoalescedPublish(async (published) => {
      if (fail) throw new Error('connection lost');
      return published.map(() => 1);
    });
    await expect(coalesced.run(rows('a', 2))).rejects.toThrow('connection lost');
    fail = false;
    await expect(coalesced.run(rows('a', 2))).resolves.toEqual([1, 1]);
  });
});
