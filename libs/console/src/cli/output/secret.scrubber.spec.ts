import { scrubSecrets, secretsOf } from './secret.scrubber';

describe('secret scrubber', () => {
  it('finds the token and password however they were given', () => {
    expect(
      secretsOf(
        ['--token', 'tok-1', '--password=pw 2', '--url', 'http://ops:p%40ss@host/courier', 'overview'],
        { COURIER_CONSOLE_TOKEN: 'env-token', COURIER_CONSOLE_URL: 'https://u:urlpw@h/c' },
      ).sort(),
    ).toEqual(['env-token', 'p%40ss', 'p@ss', 'pw 2', 'tok-1', 'urlpw'].sort());
  });

  it('masks every secret and removes URL credentials, in any text', () => {
    const secrets = ['s3cret-token', 'p@ss'];
    expect(
      scrubSecrets('Bearer s3cret-token refused; p@ss and p%40ss; http://ops:p@ss@host/x', secrets),
    ).toBe('Bearer **** refused; **** and ****; http://host/x');
  });

  it('masks a secret that contains another whole', () => {
    expect(scrubSecrets('abcdef', ['abc', 'abcdef'])).toBe('****');
  });
});
