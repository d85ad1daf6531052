import { loadConfig } from './amqp-exec-config.loader';
import { fakeFiles, load, loadError, REQUIRED_FLAGS } from './testing/config.fixture';
import { ConfigFileError, UnknownConfigKeyError } from './errors';

const FILE = 'amqp-exec.json';
const withConfig = [...REQUIRED_FLAGS, '--config', FILE];

describe('config file', () => {
  it('accepts a UTF-8 byte-order mark and an empty object', () => {
    expect(load(withConfig, {}, { [FILE]: '\uFEFF{"concurrency": 2}' }).concurrency).toBe(2);
    expect(load(withConfig, {}, { [FILE]: '{}' }).configFile).toBe(FILE);
  });

  it('names the file and who named it when it cannot be read', () => {
    const flag = loadError(withConfig);
    expect(flag).toBeInstanceOf(ConfigFileError);
    expect(flag.message).toBe('cannot read config file amqp-exec.json (from --config): no such file');

    const env = loadError(REQUIRED_FLAGS, { AMQP_EXEC_CONFIG: '/etc/nope.json' });
    expect(env.message).toBe('cannot read config file /etc/nope.json (from AMQP_EXEC_CONFIG): no such file');

    const denied = () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    expect(() => loadConfig({ argv: withConfig, env: {}, readFile: denied })).toThrow(
      'cannot read config file amqp-exec.json (from --config): permission denied',
    );
  });

  it('says where the JSON is broken, without quoting the file', () => {
    const text = '{\n  "url": "amqp://admin:hunter2@rabbit",\n  "concurrency": 4,\n}';
    const error = loadError(withConfig, {}, { [FILE]: text });
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error.message).toMatch(
      /^config file amqp-exec\.json \(from --config\) is not valid JSON: .+ at line 4, column 1$/,
    );
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    ['', /is not valid JSON: Unexpected end of JSON input/],
    ['[{"queue": "jobs"}]', /must hold a JSON object of settings such as \{"queue": "jobs"\}, not an array$/],
    ['null', /not null$/],
    ['"jobs"', /not a string$/],
  ])('refuses %j', (text, message) => {
    const error = loadError(withConfig, {}, { [FILE]: text });
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error.message).toMatch(message);
  });

  it('refuses an unknown key, naming it and suggesting the setting', () => {
    const error = loadError(withConfig, {}, { [FILE]: '{"prefech": 10}' });
    expect(error).toBeInstanceOf(UnknownConfigKeyError);
    expect(error).toMatchObject({ key: 'prefech', file: FILE });
    expect(error.message).toBe(
      'unknown key "prefech" in config file amqp-exec.json (did you mean "prefetch"?); the keys are the setting names listed by amqp-exec --help',
    );
    expect(loadError(withConfig, {}, { [FILE]: '{"dead-letter-queue": "x"}' }).message).toContain(
      '(did you mean "deadLetterQueue"?)',
    );
    // --config is where the file comes from, not something it can set.
    expect(loadError(withConfig, {}, { [FILE]: '{"config": "other.json"}' })).toBeInstanceOf(
      UnknownConfigKeyError,
    );
  });

  describe('prototype pollution', () => {
    afterEach(() => {
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it.each([
      '{"__proto__": {"polluted": true}}',
      '{"concurrency": 2, "__proto__": {"polluted": true}}',
      '{"constructor": {"prototype": {"polluted": true}}}',
      '{"args": [{"__proto__": {"polluted": true}}]}',
    ])('refuses %s', (text) => {
      const error = loadError(withConfig, {}, { [FILE]: text });
      expect(error).toBeInstanceOf(ConfigFileError);
      expect(error.message).toBe(
        'config file amqp-exec.json (from --config) has a "__proto__" or "constructor" key, refused because it could pollute object prototypes; remove it',
      );
    });

    it.each(['constructor', 'toString', 'hasOwnProperty'])('refuses a bare %j key as unknown', (key) => {
      const error = loadError(withConfig, {}, { [FILE]: JSON.stringify({ [key]: 1 }) });
      expect(error).toBeInstanceOf(UnknownConfigKeyError);
      expect(error.message).toContain(`unknown key "${key}"`);
    });
  });

  it('reads through the given reader', () => {
    const files = fakeFiles({ [FILE]: '{"queue": "from-file"}' });
    const result = loadConfig({
      argv: ['--url', 'amqp://h', '--exec', 'x', '--config', FILE],
      env: {},
      readFile: files,
    });
    expect(result).toMatchObject({ action: 'run', config: { queue: 'from-file' } });
  });
});
