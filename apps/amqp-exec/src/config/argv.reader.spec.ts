import { loadConfig } from './amqp-exec-config.loader';
import { loadError, REQUIRED_FLAGS } from './testing/config.fixture';
import { InvalidArgumentError, UnknownFlagError } from './errors';

describe('loadConfig command line', () => {
  it('refuses an unknown flag, naming it and suggesting the closest', () => {
    const error = loadError([...REQUIRED_FLAGS, '--prefech', '3']);
    expect(error).toBeInstanceOf(UnknownFlagError);
    expect(error).toMatchObject({ flag: '--prefech' });
    expect(error.message).toBe(
      'unknown flag --prefech (did you mean --prefetch?); run amqp-exec --help for the list',
    );
  });

  it('suggests the kebab-case flag for a camelCase one, and nothing for a short flag it lacks', () => {
    expect(loadError(['--deadLetterQueue', 'x']).message).toContain('(did you mean --dead-letter-queue?)');
    expect(loadError(['-q', 'jobs']).message).toBe('unknown flag -q; run amqp-exec --help for the list');
  });

  it('refuses positional arguments, before and after --', () => {
    expect(loadError([...REQUIRED_FLAGS, 'extra'])).toBeInstanceOf(InvalidArgumentError);
    expect(loadError([...REQUIRED_FLAGS, '--', '--queue']).message).toBe(
      'unexpected argument "--queue": amqp-exec takes only flags; give the command with --exec and its arguments with --arg',
    );
  });

  it('refuses a flag without its value, and one whose value looks like another flag', () => {
    expect(loadError([...REQUIRED_FLAGS, '--timeout']).message).toBe(
      'missing value for --timeout: write --timeout <ms> or --timeout=<ms>',
    );
    expect(loadError(['--exec', '--queue', 'jobs']).message).toBe(
      'missing value for --exec: the next argument "--queue" looks like a flag; if it is the value, write --exec=--queue',
    );
  });

  it('refuses a value given to --no-declare-queue', () => {
    expect(loadError([...REQUIRED_FLAGS, '--no-declare-queue=yes']).message).toBe(
      '--no-declare-queue takes no value',
    );
  });

  it('returns the usage for --help / -h, even on an otherwise broken command line', () => {
    for (const argv of [['--help'], ['-h'], ['--bogus', '--help'], ['--concurrency', 'abc', '-h']]) {
      const result = loadConfig({ argv, env: { AMQP_EXEC_BOGUS: 'x' } });
      expect(result).toEqual({ action: 'print', text: expect.stringContaining('Usage: amqp-exec') });
    }
  });

  it('returns the version for --version', () => {
    expect(loadConfig({ argv: ['--version'], env: {}, version: '1.2.3' })).toEqual({
      action: 'print',
      text: 'amqp-exec 1.2.3\n',
    });
  });
});
