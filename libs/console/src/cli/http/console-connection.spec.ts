import { parseConsoleUrl, resolveConnection, stripCredentials } from './console-connection';

describe('resolveConnection', () => {
  const URL = 'http://localhost:3001/courier';

  it('takes the flags over the environment', () => {
    expect(
      resolveConnection(
        { url: 'https://ops.example/courier/', token: 'flag-token' },
        { COURIER_CONSOLE_URL: URL, COURIER_CONSOLE_TOKEN: 'env-token' },
      ),
    ).toEqual({ url: 'https://ops.example/courier', credentials: { kind: 'token', token: 'flag-token' } });
    expect(
      resolveConnection(
        { user: 'ops', password: 'pw' },
        { COURIER_CONSOLE_URL: URL, COURIER_CONSOLE_TOKEN: 't' },
      ),
    ).toEqual({
      url: URL,
      credentials: { kind: 'basic', username: 'ops', password: 'pw' },
    });
  });

  it('uses credentials in the URL as Basic credentials, and takes them out of the URL', () => {
    expect(resolveConnection({ url: 'http://ops:p%40ss@localhost:3001/courier' }, {})).toEqual({
      url: URL,
      credentials: { kind: 'basic', username: 'ops', password: 'p@ss' },
    });
    // Other credentials given: the URL's are dropped, never sent.
    expect(resolveConnection({ url: 'http://ops:pw@localhost:3001/courier', token: 't' }, {})).toEqual({
      url: URL,
      credentials: { kind: 'token', token: 't' },
    });
  });

  it.each([
    [
      {},
      {},
      /No console URL: pass --url, the console's mount URL \(e.g. http:\/\/localhost:3001\/courier\), or set COURIER_CONSOLE_URL/,
    ],
    [
      { url: URL },
      {},
      /No credentials: pass --token \(or set COURIER_CONSOLE_TOKEN\), or --user and --password/,
    ],
    [
      { url: URL, token: 't', user: 'u', password: 'p' },
      {},
      /either --token or --user and --password, not both/,
    ],
    [{ url: URL, user: 'u' }, {}, /Basic credentials need both --user and --password/],
    [{ url: URL, token: '' }, {}, /--token is empty/],
    [
      { url: 'localhost:3001/courier', token: 't' },
      {},
      /--url must be an http:\/\/ or https:\/\/ URL; got "localhost:3001\/courier"/,
    ],
    [{ url: 'ftp://host/courier', token: 't' }, {}, /--url must be an http:\/\/ or https:\/\/ URL/],
    [{ url: `${URL}?x=1`, token: 't' }, {}, /without a query or fragment/],
  ])('refuses %j (env %j)', (flags, env, message) => {
    expect(() => resolveConnection(flags, env)).toThrow(message);
  });

  it('never shows a query in a refused URL: it may hold a token', () => {
    expect(() => parseConsoleUrl('http://host/courier?token=hunter22')).toThrow(
      /got "http:\/\/host\/courier" followed by one\.$/,
    );
  });

  it('never shows a password in a refused URL', () => {
    expect(() => parseConsoleUrl('ftp://ops:hunter22@host/x')).toThrow(/"ftp:\/\/host\/x"/);
    expect(() => parseConsoleUrl('http://ops:hunter22@host:port/x')).toThrow(/"http:\/\/host:port\/x"/);
  });
});

describe('stripCredentials', () => {
  it('removes the userinfo of every URL, up to the last @ before the path', () => {
    expect(stripCredentials('at http://u:p@ss@host:1/courier and https://x@y/z')).toBe(
      'at http://host:1/courier and https://y/z',
    );
    expect(stripCredentials('mail a@b.c, http://host/a@b')).toBe('mail a@b.c, http://host/a@b');
  });
});
