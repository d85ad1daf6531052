import { loadError, REQUIRED_FLAGS } from './testing/config.fixture';

// The password used everywhere below: it must never reach a message.
const SECRET = 's3cr3t-Pa55';

describe('configuration errors never print an AMQP password', () => {
  it.each([
    ['a wrong scheme', ['--url', `http://admin:${SECRET}@rabbit/`]],
    ['no host (the password parses as a port)', ['--url', `amqp://admin:${SECRET}`]],
    ['a missing colon', ['--url', `amqp//admin:${SECRET}@rabbit`]],
    ['a single slash', ['--url', `amqp:/admin:${SECRET}@rabbit`]],
    ['an @ in the password', ['--url', `ftp://admin:${SECRET}@x@rabbit`]],
    ['a URI pasted into another setting', ['--queue', `amqp://admin:${SECRET}@rabbit\n`]],
    ['a URI pasted into a list', ['--retry-exit-code', `amqp://admin:${SECRET}@rabbit`]],
  ])('%s', (_case, flags) => {
    const error = loadError(['--url', 'amqp://h', '--queue', 'q', '--exec', 'x', ...flags]);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).toContain('***');
    expect(error.message).not.toContain('admin');
  });

  it('from the environment', () => {
    const error = loadError(['--queue', 'q', '--exec', 'x'], { AMQP_URL: `amqpx://admin:${SECRET}@rabbit` });
    expect(error.message).toBe(
      'invalid AMQP_URL="amqpx://***@rabbit" (environment): expected an amqp:// or amqps:// URI with a host, such as amqp://localhost:5672/vhost (the scheme must be amqp or amqps)',
    );
  });

  it('from the config file', () => {
    const file = { 'c.json': JSON.stringify({ url: `https://admin:${SECRET}@rabbit` }) };
    const error = loadError(['--queue', 'q', '--exec', 'x', '--config', 'c.json'], {}, file);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).toContain('"url": "https://***@rabbit" (config file c.json)');
  });

  it('when another setting is wrong', () => {
    const error = loadError([
      '--url',
      `amqp://admin:${SECRET}@rabbit`,
      '--queue',
      'q',
      '--exec',
      'x',
      '--concurrency',
      '0',
    ]);
    expect(error.message).not.toContain(SECRET);
  });

  it('even when the message is cut short', () => {
    const error = loadError([
      ...REQUIRED_FLAGS,
      '--queue',
      `${'x'.repeat(60)} amqp://admin:${SECRET}@rabbit\u0001`,
    ]);
    expect(error.message).not.toMatch(/s3c|Pa55/);
  });
});
