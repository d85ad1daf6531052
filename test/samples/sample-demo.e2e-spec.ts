import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../harness/sample-app-process';

describe('npm run demo', () => {
  it('with no PostgreSQL and no RabbitMQ reachable, names both and how to start them, and exits 1', async () => {
    const [pgPort, amqpPort] = [await freePort(), await freePort()]; // nothing listens there
    const child = spawn(process.execPath, [join(__dirname, '../../scripts/demo.mjs')], {
      cwd: join(__dirname, '../..'),
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/test`,
        AMQP_URL: `amqp://guest:secret@127.0.0.1:${amqpPort}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        'demo: cannot start the sample loop.',
        `PostgreSQL is not reachable at postgres://postgres@127.0.0.1:${pgPort}/test (connect ECONNREFUSED 127.0.0.1:${pgPort}).`,
        '  Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start;',
        '  Docker: docker compose up -d postgres) or set DATABASE_URL.',
        `RabbitMQ is not reachable at amqp://guest:***@127.0.0.1:${amqpPort} (connect ECONNREFUSED 127.0.0.1:${amqpPort}).`,
        '  Start it (Debian: rabbitmq-server -detached; Docker: docker compose up -d rabbitmq) or set AMQP_URL.',
        '',
      ].join('\n'),
    );
  });
});
