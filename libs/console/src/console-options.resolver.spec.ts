import { ConsoleConfigurationError } from './errors';
import { resolveConsoleOptions, resolveConsolePath } from './console-options.resolver';

class SomeGuard {
  canActivate() {
    return true;
  }
}

describe('resolveConsoleOptions', () => {
  it('refuses to start without auth, and says how to opt out', () => {
    expect(() => resolveConsoleOptions({} as never)).toThrow(ConsoleConfigurationError);
    expect(() => resolveConsoleOptions(undefined)).toThrow(/needs "auth".*\{ disabled: true \}/s);
  });

  it('takes exactly one form of auth', () => {
    expect(() => resolveConsoleOptions({ auth: { token: 'x'.repeat(16), disabled: true } as never })).toThrow(
      /exactly one of/,
    );
    expect(() => resolveConsoleOptions({ auth: {} as never })).toThrow(/exactly one of/);
  });

  it('refuses a short token or password, naming the option', () => {
    expect(() => resolveConsoleOptions({ auth: { token: 'short' } })).toThrow(/"auth.token".*16 characters/);
    expect(() => resolveConsoleOptions({ auth: { basic: { username: 'ops', password: 'short' } } })).toThrow(
      /"auth.basic.password"/,
    );
    expect(() =>
      resolveConsoleOptions({ auth: { basic: { username: 'a:b', password: 'x'.repeat(16) } } }),
    ).toThrow(/"auth.basic.username"/);
  });

  it('wants a guard class and disabled exactly true', () => {
    expect(() => resolveConsoleOptions({ auth: { guard: new SomeGuard() as never } })).toThrow(/guard class/);
    expect(() => resolveConsoleOptions({ auth: { disabled: 'yes' as never } })).toThrow(/exactly true/);
    expect(resolveConsoleOptions({ auth: { guard: SomeGuard } }).auth).toEqual({
      kind: 'guard',
      guard: SomeGuard,
      principal: undefined,
    });
  });

  it('derives the CSRF secret from the token, so every instance shares it', () => {
    const a = resolveConsoleOptions({ auth: { token: 'a'.repeat(20) } });
    const b = resolveConsoleOptions({ auth: { token: 'a'.repeat(20) } });
    const c = resolveConsoleOptions({ auth: { token: 'c'.repeat(20) } });
    expect(a.csrfSecret.equals(b.csrfSecret)).toBe(true);
    expect(a.csrfSecret.equals(c.csrfSecret)).toBe(false);
  });

  it('fills in the defaults and checks the numbers', () => {
    const resolved = resolveConsoleOptions({ auth: { disabled: true } });
    expect(resolved.maxPageSize).toBe(200);
    expect(resolved.refreshIntervalMs).toBe(5_000);
    expect(() => resolveConsoleOptions({ auth: { disabled: true }, maxPageSize: 0 })).toThrow(
      /"maxPageSize" must be an integer from 1 to 1000; got 0/,
    );
  });
});

describe('resolveConsolePath', () => {
  it('trims slashes and allows nested segments', () => {
    expect(resolveConsolePath('/ops/courier/')).toBe('ops/courier');
  });

  it('refuses anything but plain path segments', () => {
    for (const bad of ['', '/', 'a b', '../x', 'a//b', 'x?y', 3]) {
      expect(() => resolveConsolePath(bad)).toThrow(ConsoleConfigurationError);
    }
  });
});
