import { hasNulCharacter, nulCharacterPath, nulCharacterPathInJson } from './nul-character';

describe('NUL characters', () => {
  it('finds one in text', () => {
    expect(hasNulCharacter('a\u0000b')).toBe(true);
    expect(hasNulCharacter('a\\u0000b')).toBe(false);
  });

  it.each([
    ['a\u0000', 'payload'],
    [{ customerId: 'c\u0000' }, 'payload.customerId'],
    [{ lines: [{ sku: 'ok' }, { sku: '\u0000' }] }, 'payload.lines[1].sku'],
    [{ 'a\u0000': 1 }, 'payload["a\\u0000"]'],
    [{ 'odd key': [['\u0000']] }, 'payload["odd key"][0][0]'],
    [{ first: 'x\u0000', second: '\u0000' }, 'payload.first'],
  ])('names where it is in %j: %s', (value, path) => {
    expect(nulCharacterPath(value, 'payload')).toBe(path);
    expect(nulCharacterPathInJson(JSON.stringify(value), 'payload')).toBe(path);
  });

  it.each([null, 1, true, 'text', { a: ['b', { c: 'd' }] }, { path: 'C:\\u0000' }])(
    'finds none in %j',
    (value) => {
      expect(nulCharacterPath(value, 'payload')).toBeUndefined();
      expect(nulCharacterPathInJson(JSON.stringify(value), 'payload')).toBeUndefined();
    },
  );

  it('walks only JSON text that holds an escaped NUL', () => {
    const value = { a: 'x\u0000' };
    expect(nulCharacterPathInJson('{"a":"x"}', 'payload', value)).toBeUndefined(); // the text decides
    expect(nulCharacterPathInJson('{"a":"x\\u0000"}', 'payload', value)).toBe('payload.a');
    expect(nulCharacterPathInJson('{"a":"\\\\\\u0000"}', 'p')).toBe('p.a'); // `\\` then `\u0000`
  });
});
