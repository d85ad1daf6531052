import { spawn } from 'node:child_process';
import { join } from 'node:path';

function run(app: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, `../../apps/${app}/src/main.ts`)],
    {
      cwd: join(__dirname, '../..'),
      env: {
        PATH: process.env.PATH ?? '',
        LOG_FORMAT: 'json',
        COURIER_CONSOLE_TOKEN: 'sample-config-console-token',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('sample services: configuration', () => {
  it('a bad value stops startup with one line naming each bad variable', async () => {
    const result = await run('orders', { PORT: 'eighty', AMQP_URL: 'http://guest:secret@broker' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'orders: Invalid configuration: AMQP_URL must be an amqp:// or amqps:// URL; PORT must be an integer.\n',
    );
  });

  it('refuses to start without a console token, saying what to set (the demo and compose set one)', async () => {
    const result = await run('shipping', { COURIER_CONSOLE_TOKEN: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'shipping: Invalid configuration: COURIER_CONSOLE_TOKEN must be set to 16-200 printable characters ' +
        'without spaces: the token the operations console at /courier asks for (npm run demo and docker ' +
        'compose set a development one).\n',
    );
    const short = await run('orders', { COURIER_CONSOLE_TOKEN: 'too-short' });
    expect(short.stderr).toContain(
      'orders: Invalid configuration: COURIER_CONSOLE_TOKEN must be set to 16-200',
    );
    expect(short.stderr).not.toContain('too-short');
  });

  it('names the variable for the other service too', async () => {
    const result = await run('shipping', { COURIER_SCHEMA: 'Robert"; DROP' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'shipping: Invalid configuration: COURIER_SCHEMA must be a lower-case SQL identifier (letters, digits, "_").\n',
    );
  });

  it('names a transport it does not know, and a bad bus database URL without echoing it', async () => {
    const result = await run('orders', {
      COURIER_TRANSPORT: 'kafka',
      BUS_DATABASE_URL: 'mysql://root:hunter2@db/app',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'orders: Invalid configuration: COURIER_TRANSPORT must be "rabbitmq" or "postgres"; ' +
        'BUS_DATABASE_URL must be a postgres:// URL.\n',
    );
  });
});
