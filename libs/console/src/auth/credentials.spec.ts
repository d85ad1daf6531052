import { principalFromCredentials } from './credentials';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const token = { kind: 'token' as const, token: 't'.repeat(24) };
const creds = { kind: 'basic' as const, username: 'ops', password: 'p'.repeat(20) };

describe('principalFromCredentials', () => {
  it("accepts the token as a bearer token and as any user's Basic password", () => {
    expect(principalFromCredentials(token, `Bearer ${'t'.repeat(24)}`)).toBe('token');
    expect(principalFromCredentials(token, `bearer ${'t'.repeat(24)}`)).toBe('token');
    expect(principalFromCredentials(token, basic('anyone', 't'.repeat(24)))).toBe('token');
  });

  it('refuses a missing, wrong or malformed header', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      `Bearer ${'t'.repeat(23)}`,
      `Token ${'t'.repeat(24)}`,
      'Basic !!!',
    ]) {
      expect(principalFromCredentials(token, header)).toBeNull();
    }
  });

  it('under Basic auth wants both the user name and the password, and no bearer token', () => {
    expect(principalFromCredentials(creds, basic('ops', 'p'.repeat(20)))).toBe('ops');
    expect(principalFromCredentials(creds, basic('other', 'p'.repeat(20)))).toBeNull();
    expect(principalFromCredentials(creds, basic('ops', 'p'.repeat(19)))).toBeNull();
    expect(principalFromCredentials(creds, `Bearer ${'p'.repeat(20)}`)).toBeNull();
  });

  it('keeps a password that contains a colon whole', () => {
    const withColon = { ...creds, password: 'a:b'.repeat(8) };
    expect(principalFromCredentials(withColon, basic('ops', 'a:b'.repeat(8)))).toBe('ops');
  });
});
