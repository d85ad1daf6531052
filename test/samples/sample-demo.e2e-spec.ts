import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { AMQP_URL, DATABASE_URL } from '../harness/env';
import { freePort } from '../harness/sample-app-process';
import { waitFor } from '../harness/wait-for';
import { isAlive } from '../harness/process-alive';

/** `npm run demo` in a child process, its output collected. */
function runDemo(env: Record<string, string>) {
  const child = spawn(process.execPath, [join(__dirname, '../../scripts/demo.mjs'), '--once'], {
    cwd: join(__dirname, '../..'),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const demo = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))),
  };
  child.stdout.on('data', (chunk: Buffer) => (demo.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (demo.stderr += chunk.toString()));
  return demo;
}

/** The pid the demo reported for a service it started. */
function startedPid(stdout: string, app: string): number | undefined {
  const match = new RegExp(`demo: started ${app} \\(pid (\\d+)\\)`).exec(stdout);
  return match ? Number(match[1]) : undefined;
}

/**
 * Listens on every interface, as the sample services do (Nest's app.listen(port)). It hangs up
 * on whoever connects (the demo polls the port for readiness), so closing it never waits.
 */
function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('npm run demo', () => {
  let children: ChildProcess[] = [];
  afterEach(() => {
    // A demo that failed an assertion mid-run must not outlive its test.
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    children = [];
  });

  it('with no PostgreSQL and no RabbitMQ reachable, names both and how to start them, and exits 1', async () => {
    const [pgPort, amqpPort] = [await freePort(), await freePort()]; // nothing listens there
    // Secrets in every place a URL holds one: user names alone, a password, a query parameter.
    const secrets = ['Pg-Us3r-T0ken', 'Pg-Pa55', 'Us3r-0nly-T0ken'];
    const demo = runDemo({
      DATABASE_URL: `postgres://Pg-Us3r-T0ken@127.0.0.1:${pgPort}/test?password=Pg-Pa55`,
      AMQP_URL: `amqp://Us3r-0nly-T0ken@127.0.0.1:${amqpPort}`,
    });
    expect(await demo.exited).toBe(1);
    expect(demo.stdout).toBe('');
    expect(demo.stderr).toBe(
      [
        'demo: cannot start the sample loop.',
        `PostgreSQL is not reachable at postgres://***@127.0.0.1:${pgPort}/test?password=*** (connect ECONNREFUSED 127.0.0.1:${pgPort}).`,
        '  Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start;',
        '  Docker: docker compose up -d postgres, DATABASE_URL=postgres://courier:courier@127.0.0.1:5433/courier)',
        '  or set DATABASE_URL.',
        `RabbitMQ is not reachable at amqp://***@127.0.0.1:${amqpPort} (connect ECONNREFUSED 127.0.0.1:${amqpPort}).`,
        '  Start it (Debian: rabbitmq-server -detached; Docker: docker compose up -d rabbitmq,',
        '  AMQP_URL=amqp://courier:courier@127.0.0.1:5673) or set AMQP_URL.',
        '',
      ].join('\n'),
    );
    for (const secret of secrets) expect(demo.stderr).not.toContain(secret);
  });

  it('with a port that is not a number, says which variable and exits 1 before starting anything', async () => {
    const demo = runDemo({ DATABASE_URL, AMQP_URL, ORDERS_PORT: 'http' });
    expect(await demo.exited).toBe(1);
    expect(demo.stdout).toBe('');
    expect(demo.stderr).toBe('demo: ORDERS_PORT must be an integer from 1 to 65535, got "http"\n');
  });

  it("when orders' port is taken, stops the shipping it started, names the port and the remedy, and exits 1", async () => {
    const [ordersPort, shippingPort] = [await freePort(), await freePort()];
    const squatter = await listen(ordersPort);
    try {
      const demo = runDemo({
        DATABASE_URL,
        AMQP_URL,
        ORDERS_PORT: String(ordersPort),
        SHIPPING_PORT: String(shippingPort),
      });
      children.push(demo.child);
      expect(await demo.exited).toBe(1);
      // Shipping got as far as serving (its consumers were up) before orders failed.
      expect(demo.stdout).toContain(`demo: shipping is ready at http://127.0.0.1:${shippingPort}`);
      expect(demo.stderr).toContain(
        `demo: orders could not listen on port ${ordersPort}: in use; ` +
          'set ORDERS_PORT or stop the other process that holds it; stopping\n',
      );
      const shippingPid = startedPid(demo.stdout, 'shipping')!;
      expect(shippingPid).toBeGreaterThan(0);
      // Gone, with its broker connection and consumers, and its port free again.
      expect(isAlive(shippingPid)).toBe(false);
      await close(await listen(shippingPort));
    } finally {
      await close(squatter);
    }
  }, 120_000); // two service boots and a drain, on a machine other suites share

  it('when a service is not ready in time, stops it, says which and where, and exits 1', async () => {
    const shippingPort = await freePort();
    const demo = runDemo({
      DATABASE_URL,
      AMQP_URL,
      SHIPPING_PORT: String(shippingPort),
      DEMO_READY_TIMEOUT_MS: '1', // no service boots in a millisecond
    });
    children.push(demo.child);
    expect(await demo.exited).toBe(1);
    expect(demo.stderr).toContain(
      `demo: shipping did not become ready at http://127.0.0.1:${shippingPort}/health/ready within 1 ms ` +
        '(DEMO_READY_TIMEOUT_MS); its output above says why; stopping\n',
    );
    const shippingPid = startedPid(demo.stdout, 'shipping')!;
    expect(shippingPid).toBeGreaterThan(0);
    expect(isAlive(shippingPid)).toBe(false);
    expect(demo.stdout).not.toContain('demo: started orders');
  });

  it('on SIGTERM while starting, stops the service it started and exits 143 saying so', async () => {
    const demo = runDemo({ DATABASE_URL, AMQP_URL, SHIPPING_PORT: String(await freePort()) });
    children.push(demo.child);
    const shippingPid = await waitFor(
      () => startedPid(demo.stdout, 'shipping'),
      'the demo to start shipping',
    );
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(143);
    expect(demo.stderr).toContain('demo: interrupted by SIGTERM while starting shipping; stopping\n');
    expect(isAlive(shippingPid)).toBe(false);
  });
});
