import { tidRange } from './tid-range';

describe('tidRange', () => {
  it('orders row ids by block, then offset, as numbers', () => {
    expect(tidRange(['(9,50)', '(10,1)', '(9,7)', '(100,2)'])).toEqual({ first: '(9,7)', last: '(100,2)' });
  });

  it('is the one row id itself for a batch of one', () => {
    expect(tidRange(['(3,4)'])).toEqual({ first: '(3,4)', last: '(3,4)' });
  });

  it('refuses what is not a row id, and an empty batch', () => {
    expect(() => tidRange(['(1,2)', '1,2'])).toThrow('Not a row id (ctid): "1,2"');
    expect(() => tidRange(['(a,2)'])).toThrow('Not a row id');
    expect(() => tidRange([])).toThrow('at least one row id');
  });
});
