import { encodeLogfmt, logfmtValue } from './logfmt.encoder';
import type { LogEntry } from './log-record';

/** A strict reader of our own output: quoted values use JSON's escapes, so JSON.parse reads them. */
function decodeLogfmt(line: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const pair = /([^\s="]+)=("(?:[^"\\]|\\.)*"|[^\s"]*)(?: |$)/gy;
  let match: RegExpExecArray | null;
  while ((match = pair.exec(line)) !== null && match[0] !== '') {
    pairs.push([match[1], match[2].startsWith('"') ? JSON.parse(match[2]) : match[2]]);
    if (pair.lastIndex >= line.length) break;
  }
  if (pair.lastIndex !== line.length) throw new Error(`not logfmt from ${pair.lastIndex}: ${line}`);
  return pairs;
}

describe('logfmt encoding', () => {
  it.each([
    ['jobs', 'jobs'],
    ['message processed', '"message processed"'],
    ['', '""'],
    ['a=b', '"a=b"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\temp', '"C:\\\\temp"'],
    ['line1\nline2', '"line1\\nline2"'],
    ['cr\rtab\t', '"cr\\rtab\\t"'],
    ['bell\u0007', '"bell\\u0007"'],
    ['del\u007f', '"del\\u007f"'],
    ['ls\u2028ps\u2029', '"ls\\u2028ps\\u2029"'],
    ['lone\ud800', '"lone\\ud800"'],
    ['nbsp\u00a0x', '"nbsp\u00a0x"'],
    ['héllo✓🐇', 'héllo✓🐇'],
    ['null', '"null"'],
    ['/path/to/worker.sh', '/path/to/worker.sh'],
  ])('writes the string %j as %s', (value, written) => {
    expect(logfmtValue(value)).toBe(written);
  });

  it('writes numbers and booleans bare, null as null, and arrays or objects as quoted JSON', () => {
    expect(logfmtValue(42)).toBe('42');
    expect(logfmtValue(-1.5)).toBe('-1.5');
    expect(logfmtValue(true)).toBe('true');
    expect(logfmtValue(null)).toBe('null');
    expect(logfmtValue([75, 76])).toBe('[75,76]');
    expect(logfmtValue({ a: 'x y' })).toBe('"{\\"a\\":\\"x y\\"}"');
  });

  it('keeps every record on one line and reads back to the same values', () => {
    const nasty = [
      '',
      ' ',
      '=',
      '"',
      '\\',
      '\\"',
      'a\nb',
      'k=v "q" \\n',
      '\u0000\u001b[31m',
      'tab\there',
      '🐇 rabbit',
    ];
    const entries: LogEntry[] = nasty.map((value, index) => [`k${index}`, value]);
    const line = encodeLogfmt(entries);
    expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(decodeLogfmt(line)).toEqual(entries);
  });

  it('joins pairs with single spaces in the given order', () => {
    expect(
      encodeLogfmt([
        ['level', 'info'],
        ['msg', 'hi there'],
        ['n', 1],
      ]),
    ).toBe('level=info msg="hi there" n=1');
  });
});
