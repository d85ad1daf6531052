#!/usr/bin/env node
// `npm run demo`: the sample loop on this machine. Starts apps/shipping and apps/orders,
// places one order over HTTP and follows it until shipping has shipped it (HTTP → outbox →
// RabbitMQ → inbox handlers → outbox → back), then keeps both services running until
// Ctrl+C (`--once`: stop after the loop, exit 0 if it completed).
//
// Both services mount the operations console (docs/console.md) at /courier. Its token is
// COURIER_CONSOLE_TOKEN, or else the development token below, the one docker-compose.yml
// sets; the demo prints where the consoles are, never the token.
//
// It needs PostgreSQL and RabbitMQ: DATABASE_URL / AMQP_URL, or the defaults on localhost.
// There is no embedded fallback: the outbox and inbox need concurrent connections (a pool,
// a LISTEN connection, SKIP LOCKED claims by several workers), which PGlite's single
// connection cannot serve, so a missing service is named, with how to start it.
//
// Whatever stops the demo (a service that exits or never gets ready, a taken port, an error
// here, SIGINT / SIGTERM), every service it started is stopped first: SIGTERM, then SIGKILL
// after STOP_TIMEOUT_MS, so no service is left behind holding its port and its consumers.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const once = process.argv.includes('--once');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const STOP_TIMEOUT_MS = 30_000; // a service's drain that hangs past this is killed
// A fixed development token, as the demo's database and broker passwords are: the services
// listen on this machine only. Set COURIER_CONSOLE_TOKEN for one of your own.
const DEMO_CONSOLE_TOKEN = 'courier-demo-console-token';
const CONSOLE_TOKEN = process.env.COURIER_CONSOLE_TOKEN || DEMO_CONSOLE_TOKEN;
// Courier's own URL redaction (user names, passwords, secret query parameters, URLs that do
// not parse), read from its TypeScript source as the services are.
require('@swc-node/register');
const { redactUrl: redact, scrubUrlSecrets } = require('../libs/core/src/redaction/url.redaction.ts');

/** A numeric setting from the environment, or a line saying what is wrong with it. */
function setting(name, fallback, { min, max }) {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`demo: ${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    process.exit(1);
  }
  return value;
}
const ORDERS_PORT = setting('ORDERS_PORT', 3000, { min: 1, max: 65_535 });
const SHIPPING_PORT = setting('SHIPPING_PORT', 3001, { min: 1, max: 65_535 });
const READY_TIMEOUT_MS = setting('DEMO_READY_TIMEOUT_MS', 60_000, { min: 1, max: 600_000 });

async function reachable() {
  const problems = [];
  const { Client } = require('pg');
  const client = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    problems.push(
      `PostgreSQL is not reachable at ${redact(DATABASE_URL)} (${scrubUrlSecrets(error.message, DATABASE_URL)}).\n` +
        '  Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start;\n' +
        '  Docker: docker compose up -d postgres, DATABASE_URL=postgres://courier:courier@127.0.0.1:5433/courier)\n' +
        '  or set DATABASE_URL.',
    );
  }
  const amqp = require('amqplib');
  try {
    const connection = await amqp.connect(AMQP_URL, { timeout: 3_000 });
    await connection.close();
  } catch (error) {
    problems.push(
      `RabbitMQ is not reachable at ${redact(AMQP_URL)} (${scrubUrlSecrets(error.message, AMQP_URL)}).\n` +
        '  Start it (Debian: rabbitmq-server -detached; Docker: docker compose up -d rabbitmq,\n' +
        '  AMQP_URL=amqp://courier:courier@127.0.0.1:5673) or set AMQP_URL.',
    );
  }
  return problems;
}

let phase = 'checking PostgreSQL and RabbitMQ';
let stopping;
const services = [];

/** One sample service in a child process; its stderr is passed through and its tail kept for the reason it died. */
function start(app, port, portVariable) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${app}/src/main.ts`], {
    env: {
      ...process.env,
      DATABASE_URL,
      AMQP_URL,
      PORT: String(port),
      COURIER_CONSOLE_TOKEN: CONSOLE_TOKEN,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const service = { app, port, portVariable, child, stderr: '' };
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    service.stderr = (service.stderr + chunk.toString()).slice(-4_096);
  });
  service.exited = new Promise((resolve) => {
    // 'error' without 'exit' when the process could not be spawned at all.
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  service.exited.then((exit) => {
    // Whenever it happens (starting, placing the order, afterwards), the others go with it.
    if (!stopping) void stop(1, `demo: ${whyExited(service, exit)}; stopping`);
  });
  services.push(service);
  console.log(`demo: started ${app} (pid ${child.pid}) on port ${port}`);
  return service;
}

/** Why a service exited, in words: a port in use is the usual one, and names its remedy. */
function whyExited(service, { code, signal, error }) {
  if (error) return `${service.app} could not be started: ${error.message}`;
  if (/EADDRINUSE/.test(service.stderr))
    return (
      `${service.app} could not listen on port ${service.port}: in use; ` +
      `set ${service.portVariable} or stop the other process that holds it`
    );
  const last = service.stderr.trim().split('\n').at(-1);
  return `${service.app} exited (${signal ?? `code ${code}`})${last ? `: ${last}` : ''}`;
}

/** Resolves when the service answers /health/ready; rejects when it exits first or the time runs out. */
async function waitReady(service) {
  const url = `http://127.0.0.1:${service.port}`;
  let exit;
  void service.exited.then((result) => (exit = result));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!exit) {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).catch(
      () => undefined,
    );
    if (response?.ok) {
      console.log(`demo: ${service.app} is ready at ${url} (pid ${service.child.pid})`);
      return url;
    }
    if (Date.now() >= deadline)
      throw new Error(
        `${service.app} did not become ready at ${url}/health/ready within ${READY_TIMEOUT_MS} ms ` +
          '(DEMO_READY_TIMEOUT_MS); its output above says why',
      );
    await Promise.race([sleep(200), service.exited]);
  }
  throw new Error(whyExited(service, exit));
}

/** Stops every service still running (SIGTERM, SIGKILL after the bound), then exits. Once. */
function stop(code, message) {
  stopping ??= (async () => {
    if (message) console.error(message);
    await Promise.all(
      services.map(async ({ child, exited }) => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
        const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(kill);
      }),
    );
    process.exit(code);
  })();
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    // After the loop completed, Ctrl+C is how the demo ends: a success.
    if (phase === 'running') void stop(0, `demo: ${signal}; stopping both services`);
    else
      void stop(signal === 'SIGINT' ? 130 : 143, `demo: interrupted by ${signal} while ${phase}; stopping`);
  });
process.on('uncaughtException', (error) => void stop(1, `demo: ${error.stack ?? error}`));
process.on('unhandledRejection', (error) => void stop(1, `demo: ${error?.stack ?? error}`));
// The last resort when something exits without stop(): no child outlives the demo.
process.on('exit', () => {
  for (const { child } of services)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

try {
  const problems = await reachable();
  if (problems.length > 0) {
    console.error(`demo: cannot start the sample loop.\n${problems.join('\n')}`);
    process.exit(1);
  }
  console.log(`demo: PostgreSQL at ${redact(DATABASE_URL)}, RabbitMQ at ${redact(AMQP_URL)}`);
  // One at a time: a failure names its service, and shipping's queues are bound before orders publishes.
  phase = 'starting shipping';
  const shipping = await waitReady(start('shipping', SHIPPING_PORT, 'SHIPPING_PORT'));
  phase = 'starting orders';
  const orders = await waitReady(start('orders', ORDERS_PORT, 'ORDERS_PORT'));
  phase = 'placing an order';
  const startedAt = Date.now();
  const created = await fetch(`${orders}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: 'demo-customer', lines: [{ sku: 'BOOK-42', quantity: 1 }] }),
  });
  const order = await created.json();
  console.log(`demo: POST ${orders}/orders → ${created.status}, order ${order.id} is ${order.status}`);
  let view = order;
  for (let i = 0; i < 200 && view.status !== 'shipped'; i++) {
    await sleep(50);
    view = await (await fetch(`${orders}/orders/${order.id}`)).json();
  }
  if (view.status !== 'shipped')
    throw new Error(`order ${order.id} was not shipped within 10 s (status ${view.status})`);
  console.log(
    `demo: order ${order.id} shipped as ${view.shipmentId}, ${Date.now() - startedAt} ms after the POST`,
  );
  console.log(
    `demo: look around — ${orders}/orders/${order.id}, ${orders}/health/ready, ${orders}/metrics, ${shipping}/metrics`,
  );
  console.log(
    `demo: operations consoles at ${orders}/courier and ${shipping}/courier: any user name, and as password ` +
      (CONSOLE_TOKEN === DEMO_CONSOLE_TOKEN
        ? 'the development token of docker-compose.yml (COURIER_CONSOLE_TOKEN to choose one)'
        : 'your COURIER_CONSOLE_TOKEN'),
  );
  console.log(
    `demo: or from a terminal, with COURIER_CONSOLE_TOKEN set: npm run courier-console -- overview --url ${shipping}/courier`,
  );
  phase = 'running';
  if (once) await stop(0);
  else console.log('demo: both services keep running; Ctrl+C stops them.');
} catch (error) {
  await stop(1, `demo: ${scrubUrlSecrets(error.message, DATABASE_URL, AMQP_URL)}; stopping`);
}
