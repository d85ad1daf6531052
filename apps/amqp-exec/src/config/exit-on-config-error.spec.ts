import { loadConfig } from './amqp-exec-config.loader';
import { CONFIG_ERROR_EXIT_CODE, runOrExit2, type ExitIo } from './exit-on-config-error';

class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function fakeIo(): ExitIo & { written: string[] } {
  const written: string[] = [];
  return {
    written,
    stderr: { write: (chunk: string) => written.push(chunk) },
    exit: (code: number) => {
      throw new ExitCalled(code);
    },
  };
}

describe('runOrExit2', () => {
  it('returns what the function returns', () => {
    const io = fakeIo();
    expect(runOrExit2(() => 42, io)).toBe(42);
    expect(io.written).toEqual([]);
  });

  it('prints "amqp-exec: <message>" to stderr and exits 2 on a ConfigError', () => {
    const io = fakeIo();
    expect(() => runOrExit2(() => loadConfig({ argv: ['--bogus'], env: {} }), io)).toThrow(new ExitCalled(2));
    expect(CONFIG_ERROR_EXIT_CODE).toBe(2);
    expect(io.written).toEqual(['amqp-exec: unknown flag --bogus; run amqp-exec --help for the list\n']);
  });

  it('rethrows any other error: a bug is not a usage problem', () => {
    const io = fakeIo();
    const bug = new TypeError('bug');
    expect(() =>
      runOrExit2(() => {
        throw bug;
      }, io),
    ).toThrow(bug);
    expect(io.written).toEqual([]);
  });
});
