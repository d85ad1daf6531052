import { loadConfig } from './amqp-exec-config.loader';
import { fakeFiles, load, loadError, REQUIRED_FLAGS } from './testing/config.fixture';
import { InvalidSettingError, MissingSettingError } from './errors';

const FILE = '/etc/amqp-exec.json';
const withFile = (settings: object) => ({ [FILE]: JSON.stringify(settings) });

describe('loadConfig precedence: flags > environment > config file > defaults', () => {
  it('uses the defaults when only the required settings are given', () => {
    expect(load(REQUIRED_FLAGS)).toEqual({
      url: 'amqp://guest:guest@localhost:5672/',
      queue: 'jobs',
      worker: { type: 'exec', command: './worker.sh', args: [] },
      concurrency: 1,
      prefetch: 1,
      timeout: 30_000,
      retryExitCodes: [75],
      retryStatuses: [429, 503],
      maxAttempts: 5,
      retryDelay: 1000,
      retryMaxDelay: 60_000,
      deadLetterQueue: 'jobs.dead',
      declareQueue: true,
      logFormat: 'logfmt',
      logLevel: 'info',
      shutdownTimeout: 30_000,
      configFile: undefined,
    });
  });

  it('lets the config file override the defaults', () => {
    const file = withFile({
      concurrency: 4,
      prefetch: 10,
      timeout: 5000,
      retryExitCodes: [75, 76],
      retryStatuses: [503],
      maxAttempts: 3,
      retryDelay: 200,
      retryMaxDelay: 2000,
      deadLetterQueue: 'graveyard',
      declareQueue: false,
      logFormat: 'json',
      logLevel: 'debug',
      shutdownTimeout: 0,
      args: ['--verbose'],
    });
    expect(load([...REQUIRED_FLAGS, '--config', FILE], {}, file)).toEqual(
      expect.objectContaining({
        worker: { type: 'exec', command: './worker.sh', args: ['--verbose'] },
        concurrency: 4,
        prefetch: 10,
        timeout: 5000,
        retryExitCodes: [75, 76],
        retryStatuses: [503],
        maxAttempts: 3,
        retryDelay: 200,
        retryMaxDelay: 2000,
        deadLetterQueue: 'graveyard',
        declareQueue: false,
        logFormat: 'json',
        logLevel: 'debug',
        shutdownTimeout: 0,
        configFile: FILE,
      }),
    );
  });

  it('lets the environment override the config file', () => {
    const file = withFile({ concurrency: 4, logLevel: 'debug', declareQueue: true, retryExitCodes: [1] });
    const env = {
      AMQP_EXEC_CONFIG: FILE,
      AMQP_EXEC_CONCURRENCY: '8',
      AMQP_EXEC_LOG_LEVEL: 'WARN',
      AMQP_EXEC_DECLARE_QUEUE: 'no',
      AMQP_EXEC_RETRY_EXIT_CODES: '75, 76',
    };
    expect(load(REQUIRED_FLAGS, env, file)).toEqual(
      expect.objectContaining({
        concurrency: 8,
        logLevel: 'warn',
        declareQueue: false,
        retryExitCodes: [75, 76],
      }),
    );
  });

  it('lets flags override the environment', () => {
    const file = withFile({ concurrency: 4, queue: 'from-file' });
    const env = {
      AMQP_EXEC_CONFIG: FILE,
      AMQP_EXEC_CONCURRENCY: '8',
      AMQP_EXEC_QUEUE: 'from-env',
      AMQP_EXEC_DECLARE_QUEUE: 'no',
    };
    const config = load([...REQUIRED_FLAGS, '--concurrency', '16', '--declare-queue'], env, file);
    expect(config).toEqual(expect.objectContaining({ concurrency: 16, queue: 'jobs', declareQueue: true }));
  });

  it('reads every required setting from the environment or the file alone', () => {
    const env = { AMQP_EXEC_URL: 'amqps://rabbit.internal', AMQP_EXEC_EXEC: '/bin/cat' };
    const config = load(['--config', FILE], env, withFile({ queue: 'from-file' }));
    expect(config).toEqual(
      expect.objectContaining({
        url: 'amqps://rabbit.internal',
        queue: 'from-file',
        worker: { type: 'exec', command: '/bin/cat', args: [] },
      }),
    );
  });

  it('reads AMQP_URL, below AMQP_EXEC_URL', () => {
    const rest = ['--queue', 'jobs', '--exec', 'x'];
    expect(load(rest, { AMQP_URL: 'amqp://alias' }).url).toBe('amqp://alias');
    expect(load(rest, { AMQP_URL: 'amqp://alias', AMQP_EXEC_URL: 'amqp://own' }).url).toBe('amqp://own');
  });

  it('takes --config over AMQP_EXEC_CONFIG', () => {
    const files = { 'a.json': '{"concurrency": 2}', 'b.json': '{"concurrency": 3}' };
    expect(
      load([...REQUIRED_FLAGS, '--config', 'b.json'], { AMQP_EXEC_CONFIG: 'a.json' }, files).concurrency,
    ).toBe(3);
  });

  it('treats an empty environment variable as unset', () => {
    expect(load(REQUIRED_FLAGS, { AMQP_EXEC_CONCURRENCY: '', AMQP_EXEC_CONFIG: '' }).concurrency).toBe(1);
  });

  it('adds up repeated --retry-exit-code (comma lists too) and --arg, and reads --no-declare-queue', () => {
    const config = load([
      ...REQUIRED_FLAGS,
      '--retry-exit-code',
      '75',
      '--retry-exit-code=76,77,75',
      '--arg',
      'a b',
      '--arg=-v',
      '--no-declare-queue',
    ]);
    expect(config.retryExitCodes).toEqual([75, 76, 77]);
    expect(config.worker).toEqual({ type: 'exec', command: './worker.sh', args: ['a b', '-v'] });
    expect(config.declareQueue).toBe(false);
  });

  it('reads AMQP_EXEC_ARGS as a JSON array, replaced as a whole by --arg', () => {
    const env = { AMQP_EXEC_ARGS: '["--mode", "a,b"]' };
    expect(load(REQUIRED_FLAGS, env).worker).toEqual({
      type: 'exec',
      command: './worker.sh',
      args: ['--mode', 'a,b'],
    });
    expect(load([...REQUIRED_FLAGS, '--arg', 'x'], env).worker).toEqual({
      type: 'exec',
      command: './worker.sh',
      args: ['x'],
    });
  });

  it('warns about an AMQP_EXEC_* variable that names no setting, suggesting the closest', () => {
    const env = {
      AMQP_EXEC_PREFECH: '3',
      AMQP_EXEC_MESSAGE_ID: 'set by a parent amqp-exec worker',
      PATH: '/bin',
    };
    const result = loadConfig({ argv: REQUIRED_FLAGS, env });
    expect(result).toMatchObject({
      action: 'run',
      warnings: [
        'ignoring environment variable AMQP_EXEC_PREFECH (did you mean AMQP_EXEC_PREFETCH?): amqp-exec has no such setting',
      ],
    });
    expect(loadConfig({ argv: REQUIRED_FLAGS, env: {} })).toMatchObject({ warnings: [] });
  });

  it('keeps the last value of a repeated flag that is not repeatable', () => {
    expect(load([...REQUIRED_FLAGS, '--queue', 'other']).queue).toBe('other');
  });

  it('validates only the winning value: a flag can stand in for a bad value in the file', () => {
    expect(
      load([...REQUIRED_FLAGS, '--config', FILE, '--concurrency', '2'], {}, withFile({ concurrency: 'many' }))
        .concurrency,
    ).toBe(2);
  });

  it('derives prefetch from concurrency, and the retry delay ceiling from a larger base delay', () => {
    const config = load([...REQUIRED_FLAGS, '--concurrency', '7', '--retry-delay', '120000']);
    expect(config.prefetch).toBe(7);
    expect(config.retryMaxDelay).toBe(120_000);
  });
});
describe('loadConfig validation messages name the setting and where it came from', () => {
  it.each([
    [['--concurrency', 'abc'], {}, 'invalid --concurrency "abc": expected an integer from 1 to 1000'],
    [
      [],
      { AMQP_EXEC_TIMEOUT: '-5' },
      'invalid AMQP_EXEC_TIMEOUT="-5" (environment): expected milliseconds from 1 to 86400000',
    ],
    [['--concurrency', '1001'], {}, 'invalid --concurrency "1001": expected an integer from 1 to 1000'],
    [['--prefetch', '70000'], {}, 'invalid --prefetch "70000": expected an integer from 1 to 65535'],
    [['--timeout', '0'], {}, 'invalid --timeout "0": expected milliseconds from 1 to 86400000'],
    [['--timeout', '1.5'], {}, 'invalid --timeout "1.5": expected milliseconds from 1 to 86400000'],
    [
      ['--shutdown-timeout=-1'],
      {},
      'invalid --shutdown-timeout "-1": expected milliseconds from 0 to 86400000',
    ],
    [['--max-attempts', '0'], {}, 'invalid --max-attempts "0": expected an integer from 1 to 1000'],
    [['--retry-delay', '1e3'], {}, 'invalid --retry-delay "1e3": expected milliseconds from 0 to 86400000'],
    [
      ['--retry-exit-code', '0'],
      {},
      'invalid --retry-exit-code "0": expected exit codes from 1 to 255, comma-separated',
    ],
    [
      ['--retry-exit-code', '75', '--retry-exit-code', '75,256'],
      {},
      'invalid --retry-exit-code "75,256": expected exit codes from 1 to 255',
    ],
    [
      [],
      { AMQP_EXEC_RETRY_EXIT_CODES: '75;76' },
      'invalid AMQP_EXEC_RETRY_EXIT_CODES="75;76" (environment): expected exit codes',
    ],
    [['--retry-status', '200'], {}, 'invalid --retry-status "200": expected HTTP statuses from 400 to 599'],
    [['--log-format', 'xml'], {}, 'invalid --log-format "xml": expected "logfmt" or "json"'],
    [
      [],
      { AMQP_EXEC_LOG_LEVEL: 'trace' },
      'invalid AMQP_EXEC_LOG_LEVEL="trace" (environment): expected "debug" or "info" or "warn" or "error"',
    ],
    [['--declare-queue=maybe'], {}, 'invalid --declare-queue "maybe": expected true or false'],
    [
      ['--queue='],
      {},
      'invalid --queue "": expected a queue name of 1 to 255 bytes without control characters (got an empty name)',
    ],
    [['--queue', 'é'.repeat(128)], {}, '(got 256 bytes)'],
    [['--queue', 'jobs\nrm -rf'], {}, 'invalid --queue "jobs\\nrm -rf": expected a queue name'],
    [['--dead-letter-queue', 'jobs'], {}, 'invalid --dead-letter-queue "jobs": must differ from the queue'],
    [['--exec='], {}, 'invalid --exec "": expected a command'],
    [
      [],
      { AMQP_EXEC_ARGS: '--verbose' },
      'invalid AMQP_EXEC_ARGS="--verbose" (environment): expected a JSON array of strings',
    ],
    [
      ['--url', 'http://rabbit'],
      {},
      'invalid --url "http://rabbit": expected an amqp:// or amqps:// URI with a host',
    ],
    [['--url', 'not a uri'], {}, 'invalid --url "not a uri": expected an amqp:// or amqps:// URI'],
  ])('%j %j → %s', (flags, env, message) => {
    const error = loadError([...REQUIRED_FLAGS, ...flags], env);
    expect(error).toBeInstanceOf(InvalidSettingError);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
  });

  it.each([
    ['localhost', 'no port'],
    ['::1:9000', 'put an IPv6 address in brackets'],
    ['127.0.0.1:0', 'the port must be 1 to 65535'],
    ['unix:', 'no socket path'],
  ])('refuses the FastCGI address %j (%s)', (address, detail) => {
    const error = loadError([
      '--url',
      'amqp://h',
      '--queue',
      'q',
      '--fastcgi',
      address,
      '--script',
      '/app/index.php',
    ]);
    expect(error.message).toBe(
      `invalid --fastcgi ${JSON.stringify(address)}: expected host:port (e.g. 127.0.0.1:9000, [::1]:9000) or unix:/path/to/socket (${detail})`,
    );
  });

  it('names a config-file value by its key and the file, and says a number must not be a string', () => {
    const error = loadError([...REQUIRED_FLAGS, '--config', FILE], {}, withFile({ concurrency: '4' }));
    expect(error).toBeInstanceOf(InvalidSettingError);
    expect(error.message).toBe(
      `invalid "concurrency": "4" (config file ${FILE}): expected an integer from 1 to 1000 (a JSON number, not a string)`,
    );
    expect(error).toMatchObject({
      setting: 'concurrency',
      source: { layer: 'file', key: 'concurrency', file: FILE },
    });
  });

  it.each([
    [
      { retryExitCodes: 75 },
      'invalid "retryExitCodes": 75 (config file /etc/amqp-exec.json): expected an array of exit codes from 1 to 255 (a JSON array, not a number)',
    ],
    [{ retryExitCodes: [75, 'x'] }, 'expected an array of exit codes from 1 to 255 ("x" is not one)'],
    [
      { declareQueue: 'yes' },
      'invalid "declareQueue": "yes" (config file /etc/amqp-exec.json): expected true or false (a JSON boolean, not a string)',
    ],
    [{ args: '--verbose' }, 'expected a JSON array of strings'],
    [
      { deadLetterQueue: null },
      'invalid "deadLetterQueue": null (config file /etc/amqp-exec.json): expected a queue name',
    ],
  ])('checks the JSON type of file value %j', (settings, message) => {
    const error = loadError([...REQUIRED_FLAGS, '--config', FILE], {}, withFile(settings));
    expect(error).toBeInstanceOf(InvalidSettingError);
    expect(error.message).toContain(message);
  });

  it('refuses prefetch below concurrency, naming both settings and their sources', () => {
    const error = loadError([...REQUIRED_FLAGS, '--prefetch', '2'], { AMQP_EXEC_CONCURRENCY: '4' });
    expect(error).toBeInstanceOf(InvalidSettingError);
    expect(error.message).toBe(
      'invalid --prefetch "2": must be at least concurrency (4, from AMQP_EXEC_CONCURRENCY)',
    );
  });

  it('refuses a retry delay ceiling below the base delay when both are set', () => {
    const error = loadError(
      [...REQUIRED_FLAGS, '--retry-delay', '5000', '--config', FILE],
      {},
      withFile({ retryMaxDelay: 100 }),
    );
    expect(error.message).toBe(
      `invalid "retryMaxDelay": 100 (config file ${FILE}): must be at least retryDelay (5000, from --retry-delay)`,
    );
  });

  it('refuses a default dead-letter queue name that would be too long, and says how to fix it', () => {
    const error = loadError(['--url', 'amqp://h', '--exec', 'x', '--queue', 'q'.repeat(252)]);
    expect(error.message).toMatch(
      /^invalid deadLetterQueue "q+… \(default\): expected a queue name of 1 to 255 bytes/,
    );
    expect(error.message).toContain(
      '(got 257 bytes); set --dead-letter-queue, AMQP_EXEC_DEAD_LETTER_QUEUE, or "deadLetterQueue" in the config file',
    );
  });

  it.each([
    [
      ['--queue', 'q', '--exec', 'x'],
      'missing the AMQP URI: set --url, AMQP_EXEC_URL or AMQP_URL, or "url" in the config file',
    ],
    [
      ['--url', 'amqp://h', '--exec', 'x'],
      'missing the queue name: set --queue, AMQP_EXEC_QUEUE, or "queue" in the config file',
    ],
    [
      ['--url', 'amqp://h', '--queue', 'q'],
      'missing a worker: set --exec <command> (or --fastcgi <address> with --script <path>)',
    ],
  ])('names a missing required setting and every way to set it: %j', (argv, message) => {
    const error = loadError(argv);
    expect(error).toBeInstanceOf(MissingSettingError);
    expect(error.message).toContain(message);
  });
});
describe('loadConfig readFile', () => {
  it('reads the file through the injected reader only when a config file is named', () => {
    const readFile = jest.fn(fakeFiles({ 'c.json': '{}' }));
    loadConfig({ argv: REQUIRED_FLAGS, env: {}, readFile });
    expect(readFile).not.toHaveBeenCalled();
    loadConfig({ argv: [...REQUIRED_FLAGS, '--config', 'c.json'], env: {}, readFile });
    expect(readFile).toHaveBeenCalledWith('c.json');
  });
});
