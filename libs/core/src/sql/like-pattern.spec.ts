import { containsPattern } from './like-pattern';

describe('containsPattern', () => {
  it('wraps the text in % and escapes %, _ and the escape character itself', () => {
    expect(containsPattern('timeout')).toBe('%timeout%');
    expect(containsPattern('100% full')).toBe('%100\\% full%');
    expect(containsPattern('no_route')).toBe('%no\\_route%');
    expect(containsPattern('C:\\path')).toBe('%C:\\\\path%');
    expect(containsPattern("it's")).toBe("%it's%"); // a bound parameter: quotes need nothing
  });
});
