import { InMemoryLeasedQueue } from './in-memory-leased.queue';
import { LeaseKeeper } from './lease-keeper';

const LEASE_MS = 3_000;
const logger = { warn: () => undefined };

/** Which claims a renewal carries: only leases a third used up or more. */
describe('LeaseKeeper', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const setUp = () => {
    const queue = new InMemoryLeasedQueue<string>();
    queue.add('old', 'new');
    const renewed: string[][] = [];
    const renew = queue.renew.bind(queue);
    queue.renew = (claims, leaseMs) => {
      renewed.push(claims.flatMap((claim) => claim.items));
      return renew(claims, leaseMs);
    };
    return { queue, renewed, keeper: new LeaseKeeper(queue, LEASE_MS, logger) };
  };

  it('a claim settled within a third of its lease costs no renewal', async () => {
    const { queue, renewed, keeper } = setUp();
    const claim = await queue.claim(1, LEASE_MS);
    keeper.hold(claim);
    jest.setSystemTime(Date.now() + LEASE_MS / 3 - 1);
    await keeper.renewNow();
    keeper.drop(claim);
    expect(renewed).toEqual([]);
  });

  it('renews only the claims whose leases are a third used up, and moves each one it renewed', async () => {
    const { queue, renewed, keeper } = setUp();
    const old = await queue.claim(1, LEASE_MS);
    const oldSignal = keeper.hold(old);
    jest.setSystemTime(Date.now() + LEASE_MS / 3);
    const fresh = await queue.claim(1, LEASE_MS);
    keeper.hold(fresh);
    await keeper.renewNow();
    expect(renewed).toEqual([['old']]);

    // Both are a third used up only another third on: the old one's renewal moved it.
    jest.setSystemTime(Date.now() + LEASE_MS / 3 - 1);
    await keeper.renewNow();
    expect(renewed).toEqual([['old']]);
    jest.setSystemTime(Date.now() + 1);
    await keeper.renewNow();
    expect(renewed).toEqual([['old'], ['old', 'new']]);
    expect(oldSignal.aborted).toBe(false);
    await keeper.stop();
  });
});
