import { renderTable } from './table';
import { shortTime, shortened, terminalSafe } from './terminal-text';

describe('terminal text', () => {
  it('escapes every control character a payload or error could carry', () => {
    expect(terminalSafe('a\u001b[2J\u0007b\nc\td\r\u009b\u2028')).toBe(
      'a\\u001b[2J\\u0007b\\nc\\td\\r\\u009b\\u2028',
    );
    expect(terminalSafe('plain text, ünïcode ✓')).toBe('plain text, ünïcode ✓');
  });

  it('shortens an error to its first line and a width, and says it did', () => {
    expect(shortened('connection reset by peer', 60)).toBe('connection reset by peer');
    expect(shortened('TypeError: x is undefined\n    at handler (a.ts:1)', 60)).toBe(
      'TypeError: x is undefined…',
    );
    expect(shortened('x'.repeat(80), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(shortened(null, 10)).toBe('-');
    expect(shortened('\u001b]0;pwned\u0007', 60)).toBe('\\u001b]0;pwned\\u0007');
  });

  it('prints times in UTC to the second', () => {
    expect(shortTime('2026-12-02T16:00:00.123+01:00')).toBe('2026-12-02 15:00:00Z');
    expect(shortTime(null)).toBe('-');
    expect(shortTime('not a time\u001b')).toBe('not a time\\u001b');
  });
});

describe('renderTable', () => {
  it('pads columns to their widest cell, right-aligns numbers, and leaves no trailing spaces', () => {
    const rows = [
      { name: 'order_events', count: 3, note: 'x' },
      { name: 'a', count: 1200, note: '' },
    ];
    expect(
      renderTable(
        [
          { header: 'NAME', value: (r) => r.name },
          { header: 'COUNT', value: (r) => r.count, align: 'right' },
          { header: 'NOTE', value: (r) => r.note },
        ],
        rows,
      ),
    ).toBe(['NAME          COUNT  NOTE', 'order_events      3  x', 'a              1200  -', ''].join('\n'));
  });
});
