import { BoundedLabel } from './bounded-label';

describe('BoundedLabel', () => {
  it('passes the first N distinct values and reads later ones as "other"', () => {
    const label = new BoundedLabel(3);
    expect(['a', 'b', 'c'].map((v) => label.of(v))).toEqual(['a', 'b', 'c']);
    expect(label.of('d')).toBe('other');
    expect(label.of('e')).toBe('other');
    expect(BoundedLabel.OTHER).toBe('other');
  });

  it('still passes repeats of known values, before and after the limit is reached', () => {
    const label = new BoundedLabel(2);
    expect(label.of('a')).toBe('a');
    expect(label.of('a')).toBe('a');
    expect(label.of('b')).toBe('b');
    expect(label.of('c')).toBe('other');
    expect(label.of('a')).toBe('a');
    expect(label.of('b')).toBe('b');
  });

  it('counts repeats once: they do not use up the limit', () => {
    const label = new BoundedLabel(2);
    for (let i = 0; i < 10; i++) label.of('a');
    expect(label.of('b')).toBe('b');
    expect(label.of('c')).toBe('other');
  });

  it('does not admit a value first seen after the limit, however often it comes', () => {
    const label = new BoundedLabel(1);
    label.of('a');
    expect([label.of('late'), label.of('late'), label.of('late')]).toEqual(['other', 'other', 'other']);
  });

  it('allows 100 distinct values by default', () => {
    const label = new BoundedLabel();
    const values = Array.from({ length: 100 }, (_, i) => `destination_${i}`);
    expect(values.map((v) => label.of(v))).toEqual(values);
    expect(label.of('destination_100')).toBe('other');
    expect(label.of('destination_0')).toBe('destination_0');
  });
});
