import { ConsoleLogger, Logger } from '@nestjs/common';
import { AmqpExecLogger, type AmqpExecLoggerOptions } from './amqp-exec.logger';

const NOW = new Date('2026-11-22T10:00:00.000Z');

function setup(options: AmqpExecLoggerOptions = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const logger = new AmqpExecLogger({
    stdout: { write: (chunk: string) => stdout.push(chunk) },
    stderr: { write: (chunk: string) => stderr.push(chunk) },
    clock: () => NOW,
    ...options,
  });
  return { logger, stdout, stderr, all: () => [...stdout, ...stderr].join('') };
}

describe('AmqpExecLogger logfmt lines', () => {
  it('writes time, level, msg, then the fields snake_cased, one line per call', () => {
    const { logger, stdout } = setup();
    logger.info('message processed', { messageId: 'abc', queue: 'jobs', exitCode: 0, durationMs: 12 });
    expect(stdout).toEqual([
      'time=2026-11-22T10:00:00.000Z level=info msg="message processed" message_id=abc queue=jobs exit_code=0 duration_ms=12\n',
    ]);
  });

  it('escapes quotes, backslashes, newlines and = and quotes empty values, keeping one line', () => {
    const { logger, stderr } = setup();
    logger.warn('worker said:\n"oops"', { stderr: 'C:\\tmp a=b', empty: '', missing: undefined, none: null });
    expect(stderr).toEqual([
      'time=2026-11-22T10:00:00.000Z level=warn msg="worker said:\\n\\"oops\\"" stderr="C:\\\\tmp a=b" empty="" none=null\n',
    ]);
  });

  it('writes field values of any type', () => {
    const { logger, stdout } = setup();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    logger.info('values', {
      big: 10n,
      when: new Date(0),
      nan: Number.NaN,
      list: [75, 'x'],
      nested: { deep: { deeper: true } },
      circular,
      error: new TypeError('bad'),
      bytes: Buffer.from('abc'),
      fn: function worker() {},
    });
    expect(stdout[0]).toBe(
      'time=2026-11-22T10:00:00.000Z level=info msg=values big=10 when=1970-01-01T00:00:00.000Z nan=NaN ' +
        'list="[75,\\"x\\"]" nested="{\\"deep\\":{\\"deeper\\":true}}" ' +
        'circular="{\\"name\\":\\"loop\\",\\"self\\":\\"[circular]\\"}" error="TypeError: bad" ' +
        'bytes="[Buffer 3 bytes]" fn="[function worker]"\n',
    );
  });

  it('writes a field that would shadow a standard key as field_<key>', () => {
    const { logger, stdout } = setup();
    logger.info('hi', { level: 'forged', msg: 'forged', time: 0 });
    expect(stdout[0]).toBe(
      'time=2026-11-22T10:00:00.000Z level=info msg=hi field_level=forged field_msg=forged field_time=0\n',
    );
  });

  it("adds a child logger's fields to every line, before the call's own", () => {
    const { logger, stdout } = setup();
    const child = logger.child({ queue: 'jobs' }).child({ worker: 'exec' });
    child.info('started', { concurrency: 4 });
    child.info('override', { queue: 'other' });
    expect(stdout).toEqual([
      'time=2026-11-22T10:00:00.000Z level=info msg=started queue=jobs worker=exec concurrency=4\n',
      'time=2026-11-22T10:00:00.000Z level=info msg=override queue=other worker=exec\n',
    ]);
  });
});

describe('AmqpExecLogger routing', () => {
  it('sends debug and info to stdout, warn, error and fatal to stderr', () => {
    const { logger, stdout, stderr } = setup({ level: 'debug' });
    logger.debug('d');
    logger.verbose('v');
    logger.info('i');
    logger.log('l');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    expect(stdout.map((line) => line.split(' ')[1] + ' ' + line.split(' ')[2])).toEqual([
      'level=debug msg=d\n',
      'level=debug msg=v\n',
      'level=info msg=i\n',
      'level=info msg=l\n',
    ]);
    expect(stderr.map((line) => line.split(' ').slice(1).join(' '))).toEqual([
      'level=warn msg=w\n',
      'level=error msg=e\n',
      'level=fatal msg=f\n',
    ]);
  });
});

describe('AmqpExecLogger level filter', () => {
  it.each([
    ['debug', ['debug', 'debug', 'info', 'info', 'warn', 'error', 'fatal']],
    ['info', ['info', 'info', 'warn', 'error', 'fatal']],
    ['warn', ['warn', 'error', 'fatal']],
    ['error', ['error', 'fatal']],
  ] as const)('at %s writes %j', (level, written) => {
    const { logger, all } = setup({ level });
    logger.debug('x');
    logger.verbose('x');
    logger.info('x');
    logger.log('x');
    logger.warn('x');
    logger.error('x');
    logger.fatal('x');
    expect([...all().matchAll(/level=(\w+)/g)].map((match) => match[1])).toEqual(written);
  });

  it('answers isLevelEnabled, defaulting to info', () => {
    const { logger } = setup();
    expect(logger.isLevelEnabled('debug')).toBe(false);
    expect(logger.isLevelEnabled('info')).toBe(true);
    expect(logger.isLevelEnabled('fatal')).toBe(true);
  });
});

describe('AmqpExecLogger JSON lines', () => {
  it('writes one JSON object per line with the same keys, in the same order', () => {
    const { logger, stdout, stderr } = setup({ format: 'json' });
    logger.info('message processed', {
      messageId: 'abc',
      queue: 'jobs',
      exitCode: 0,
      list: [1],
      nested: { a: null },
    });
    logger.error('multi\nline', { note: 'say "hi"' }, 'Consumer');
    expect(stdout).toEqual([
      '{"time":"2026-11-22T10:00:00.000Z","level":"info","msg":"message processed","message_id":"abc","queue":"jobs","exit_code":0,"list":[1],"nested":{"a":null}}\n',
    ]);
    expect(stderr).toHaveLength(1);
    expect(stderr[0].endsWith('\n')).toBe(true);
    expect(stderr[0].slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(stderr[0])).toEqual({
      time: '2026-11-22T10:00:00.000Z',
      level: 'error',
      msg: 'multi\nline',
      context: 'Consumer',
      note: 'say "hi"',
    });
  });

  it('keeps a "__proto__" field as a plain key', () => {
    const { logger, stdout } = setup({ format: 'json' });
    logger.info('odd', JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(stdout[0]).toContain('"__proto__":{"polluted":true}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('AmqpExecLogger credential scrubbing', () => {
  const URL = 'amqp://admin:s3cr3t@rabbit:5672/prod';

  it.each(['logfmt', 'json'] as const)(
    'hides URL credentials (user names too) in messages, fields, context and stacks (%s)',
    (format) => {
      const { logger, all } = setup({ format });
      logger.info(`connecting to ${URL}`, {
        url: URL,
        nested: { urls: [URL] },
        parsed: new globalThis.URL(URL),
      });
      logger.error(new Error(`connect ECONNREFUSED ${URL}`));
      logger.warn('ctx', `Consumer ${URL}`);
      logger.error('failed', { cause: new Error(URL) });
      logger.warn('RabbitMQ not reachable at amqp://Us3r-T0ken@rabbit:1 within 5000 ms');
      const text = all();
      expect(text).not.toMatch(/s3cr3t|admin|Us3r-T0ken/);
      expect(text.match(/\*\*\*@rabbit/g)?.length).toBeGreaterThanOrEqual(7);
    },
  );
});

describe('AmqpExecLogger as a Nest LoggerService', () => {
  it('reads a trailing string as the context and plain objects as fields', () => {
    const { logger, stdout } = setup();
    logger.log('started', 'Consumer');
    logger.log('settings', { prefetch: 4 }, 'Consumer');
    logger.log('count', 3, 'Consumer');
    expect(stdout).toEqual([
      'time=2026-11-22T10:00:00.000Z level=info msg=started context=Consumer\n',
      'time=2026-11-22T10:00:00.000Z level=info msg=settings context=Consumer prefetch=4\n',
      'time=2026-11-22T10:00:00.000Z level=info msg="count 3" context=Consumer\n',
    ]);
  });

  it('reads error(message, stack, context) and error(message, stack) as Nest does', () => {
    const { logger, stderr } = setup();
    const stack = 'Error: lost\n    at Channel.close (channel.js:10:5)';
    logger.error('lost channel', stack, 'Connection');
    logger.error('lost channel', stack);
    logger.error('plain', undefined, 'Connection');
    logger.error('plain', 'Connection');
    expect(stderr).toEqual([
      'time=2026-11-22T10:00:00.000Z level=error msg="lost channel" context=Connection stack="Error: lost\\n    at Channel.close (channel.js:10:5)"\n',
      'time=2026-11-22T10:00:00.000Z level=error msg="lost channel" stack="Error: lost\\n    at Channel.close (channel.js:10:5)"\n',
      'time=2026-11-22T10:00:00.000Z level=error msg=plain context=Connection\n',
      'time=2026-11-22T10:00:00.000Z level=error msg=plain context=Connection\n',
    ]);
  });

  it('takes message and stack from an Error, and an error field from an Error argument', () => {
    const { logger, stderr } = setup();
    const error = new RangeError('too big');
    error.stack = 'RangeError: too big\n    at f (x.js:1:1)';
    logger.error(error);
    logger.error('worker failed', { messageId: 'abc' }, error);
    logger.fatal({ event: 'crash', code: 1 });
    expect(stderr).toEqual([
      'time=2026-11-22T10:00:00.000Z level=error msg="too big" stack="RangeError: too big\\n    at f (x.js:1:1)"\n',
      'time=2026-11-22T10:00:00.000Z level=error msg="worker failed" message_id=abc error="RangeError: too big" stack="RangeError: too big\\n    at f (x.js:1:1)"\n',
      'time=2026-11-22T10:00:00.000Z level=fatal msg="" event=crash code=1\n',
    ]);
  });

  describe('behind Logger.overrideLogger', () => {
    afterEach(() => Logger.overrideLogger(new ConsoleLogger()));

    it("receives the libraries' Logger calls with their context", () => {
      const { logger, stdout, stderr } = setup({ level: 'debug' });
      Logger.overrideLogger(logger);
      const nest = new Logger('RabbitMQConnection');
      nest.log('connected', { host: 'rabbit' });
      nest.debug('heartbeat');
      nest.verbose('frame');
      nest.warn('blocked');
      nest.error('closed');
      nest.error('closed', 'Error: x\n    at y (z.js:1:2)');
      nest.fatal('gave up');
      Logger.log('static call', 'Bootstrap');
      expect(stdout).toEqual([
        'time=2026-11-22T10:00:00.000Z level=info msg=connected context=RabbitMQConnection host=rabbit\n',
        'time=2026-11-22T10:00:00.000Z level=debug msg=heartbeat context=RabbitMQConnection\n',
        'time=2026-11-22T10:00:00.000Z level=debug msg=frame context=RabbitMQConnection\n',
        'time=2026-11-22T10:00:00.000Z level=info msg="static call" context=Bootstrap\n',
      ]);
      expect(stderr).toEqual([
        'time=2026-11-22T10:00:00.000Z level=warn msg=blocked context=RabbitMQConnection\n',
        'time=2026-11-22T10:00:00.000Z level=error msg=closed context=RabbitMQConnection\n',
        'time=2026-11-22T10:00:00.000Z level=error msg=closed context=RabbitMQConnection stack="Error: x\\n    at y (z.js:1:2)"\n',
        'time=2026-11-22T10:00:00.000Z level=fatal msg="gave up" context=RabbitMQConnection\n',
      ]);
    });
  });
});

describe('AmqpExecLogger never throws', () => {
  it('when the sink fails', () => {
    const logger = new AmqpExecLogger({
      stdout: {
        write: () => {
          throw new Error('EPIPE');
        },
      },
    });
    expect(() => logger.info('lost')).not.toThrow();
  });

  it('when a field cannot be read', () => {
    const { logger, stdout } = setup();
    const hostile = {
      get value(): never {
        throw new Error('getter amqp://u:pw@h');
      },
    };
    expect(() => logger.info('odd', { hostile })).not.toThrow();
    expect(stdout[0]).toBe(
      'time=2026-11-22T10:00:00.000Z level=info msg=odd hostile="[unloggable: getter amqp://***@h]"\n',
    );
  });
});
