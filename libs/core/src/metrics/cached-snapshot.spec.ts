import { cachedSnapshot } from './cached-snapshot';

describe('cachedSnapshot', () => {
  let now = 1_000;
  beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
  afterEach(() => jest.restoreAllMocks());

  it('shares one load per source within the TTL, and loads again after it', async () => {
    const load = jest.fn(async (source: { n: number }) => source.n);
    const read = cachedSnapshot(500, load);
    const a = { n: 1 };
    const b = { n: 2 };
    expect(await Promise.all([read(a), read(a), read(b)])).toEqual([1, 1, 2]);
    expect(load).toHaveBeenCalledTimes(2);
    now += 501;
    await read(a);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('does not keep a failed load', async () => {
    const load = jest.fn().mockRejectedValueOnce(new Error('down')).mockResolvedValueOnce(7);
    const read = cachedSnapshot(500, load);
    const source = {};
    await expect(read(source)).rejects.toThrow('down');
    expect(await read(source)).toBe(7);
  });
});
