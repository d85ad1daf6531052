#!/usr/bin/env node
// `npm run demo`: the sample loop on this machine. Starts apps/shipping and apps/orders,
// places one order over HTTP and follows it until shipping has shipped it (HTTP → outbox →
// the transport → inbox handlers → outbox → back), then keeps both services running until
// Ctrl+C (`--once`: stop after the loop, exit 0 if it completed).
//
// Where it runs, in this order:
// - `--embedded`: on an embedded PostgreSQL (scripts/embedded-postgres.mjs), both services
//   on the PostgreSQL transport, no broker;
// - DATABASE_URL or AMQP_URL set: on those services (the defaults on localhost for the one
//   not set), over RabbitMQ unless COURIER_TRANSPORT=postgres; a service that cannot be
//   reached is named, with how to start it;
// - neither set: PostgreSQL and RabbitMQ on localhost if both answer; PostgreSQL alone if
//   only it answers (the PostgreSQL transport); the embedded PostgreSQL if it does not.
// The first lines say which, and how to use real services instead.
//
// Both services mount the operations console (docs/console.md) at /courier. Its token is
// COURIER_CONSOLE_TOKEN, or else the development token below, the one docker-compose.yml
// sets; the demo prints where the consoles are, never the token.
//
// Whatever stops the demo (a service that exits or never gets ready, a taken port, an error
// here, SIGINT / SIGTERM), every service it started is stopped first: SIGTERM, then SIGKILL
// after STOP_TIMEOUT_MS, so no service is left behind holding its port and its consumers;
// then the embedded PostgreSQL, if it started one, and its data directory.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

import { startEmbeddedPostgres } from './embedded-postgres.mjs';

const require = createRequire(import.meta.url);
const once = process.argv.includes('--once');
const forceEmbedded = process.argv.includes('--embedded');
const configured = Boolean(process.env.DATABASE_URL || process.env.AMQP_URL);
let DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const AMQP_URL = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
let transport = process.env.COURIER_TRANSPORT === 'postgres' ? 'postgres' : 'rabbitmq';
let embedded;
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

/** Null when PostgreSQL answers at `url`, else what to do about it. */
async function postgresProblem(url) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return (
      `PostgreSQL is not reachable at ${redact(url)} (${scrubUrlSecrets(error.message, url)}).\n` +
      '  Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start;\n' +
      '  Docker: docker compose up -d postgres, DATABASE_URL=postgres://courier:courier@127.0.0.1:5433/courier)\n' +
      '  or set DATABASE_URL.'
    );
  }
}

/** Null when RabbitMQ answers at `url`, else what to do about it. */
async function rabbitMQProblem(url) {
  const amqp = require('amqplib');
  try {
    const connection = await amqp.connect(url, { timeout: 3_000 });
    await connection.close();
    return null;
  } catch (error) {
    return (
      `RabbitMQ is not reachable at ${redact(url)} (${scrubUrlSecrets(error.message, url)}).\n` +
      '  Start it (Debian: rabbitmq-server -detached; Docker: docker compose up -d rabbitmq,\n' +
      '  AMQP_URL=amqp://courier:courier@127.0.0.1:5673) or set AMQP_URL.'
    );
  }
}

const REAL_SERVICES_HINT =
  'To run on your own services instead, start PostgreSQL and RabbitMQ on localhost or set DATABASE_URL and AMQP_URL.';

/** Decides where the loop runs (see the top of this file); exits 1 naming what is missing. */
async function chooseServices() {
  if (forceEmbedded) return useEmbedded('--embedded');
  if (configured) {
    const problems = [await postgresProblem(DATABASE_URL)];
    if (transport === 'rabbitmq') problems.push(await rabbitMQProblem(AMQP_URL));
    const found = problems.filter(Boolean);
    if (found.length > 0) {
      console.error(`demo: cannot start the sample loop.\n${found.join('\n')}`);
      process.exit(1);
    }
    return;
  }
  const postgresDown = await postgresProblem(DATABASE_URL);
  if (postgresDown)
    return useEmbedded("nothing answers on PostgreSQL's default port and DATABASE_URL is not set");
  if (await rabbitMQProblem(AMQP_URL)) {
    transport = 'postgres';
    console.log(
      `demo: RabbitMQ does not answer on its default port and AMQP_URL is not set: both services run on the ` +
        `PostgreSQL transport, on PostgreSQL at ${redact(DATABASE_URL)} (no broker).\n  ${REAL_SERVICES_HINT}`,
    );
  }
}

async function useEmbedded(why) {
  transport = 'postgres';
  console.log(
    `demo: ${why}: starting an embedded PostgreSQL; both services run on the PostgreSQL transport (no broker).`,
  );
  console.log(`  ${REAL_SERVICES_HINT}`);
  phase = 'starting the embedded PostgreSQL';
  embedded = await startEmbeddedPostgres();
  DATABASE_URL = embedded.url;
  console.log(
    `demo: embedded PostgreSQL at ${redact(DATABASE_URL)}, data in ${embedded.dir} (removed at exit)`,
  );
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
      COURIER_TRANSPORT: transport,
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
    await embedded?.stop();
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
  embedded?.kill();
});

try {
  await chooseServices();
  console.log(
    transport === 'rabbitmq'
      ? `demo: PostgreSQL at ${redact(DATABASE_URL)}, RabbitMQ at ${redact(AMQP_URL)}`
      : `demo: PostgreSQL at ${redact(DATABASE_URL)}, the PostgreSQL transport (COURIER_TRANSPORT=postgres)`,
  );
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
  // The secrets of the URLs given to it; the defaults' and the embedded server's user names
  // ("postgres") are no secret, and scrubbing them would garble names like @embedded-postgres.
  const given = [process.env.DATABASE_URL, process.env.AMQP_URL].filter(Boolean);
  await stop(1, `demo: ${scrubUrlSecrets(error.message, ...given)}; stopping`);
}
