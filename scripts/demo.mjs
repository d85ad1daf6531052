#!/usr/bin/env node
// `npm run demo`: the sample loop on this machine. Starts apps/shipping and apps/orders,
// places one order over HTTP and follows it until shipping has shipped it (HTTP → outbox →
// RabbitMQ → inbox handlers → outbox → back), then keeps both services running until
// Ctrl+C (`--once`: stop after the loop, exit 0 if it completed).
//
// It needs PostgreSQL and RabbitMQ: DATABASE_URL / AMQP_URL, or the defaults on localhost.
// There is no embedded fallback: the outbox and inbox need concurrent connections (a pool,
// a LISTEN connection, SKIP LOCKED claims by several workers), which PGlite's single
// connection cannot serve, so a missing service is named, with how to start it.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const once = process.argv.includes('--once');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const ORDERS_PORT = Number(process.env.ORDERS_PORT ?? 3000);
const SHIPPING_PORT = Number(process.env.SHIPPING_PORT ?? 3001);
const redact = (url) => url.replace(/\/\/([^:/@]+):.*@/, '//$1:***@'); // greedy: a password may hold an @

async function reachable() {
  const problems = [];
  const { Client } = require('pg');
  const client = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    problems.push(
      `PostgreSQL is not reachable at ${redact(DATABASE_URL)} (${error.message}).\n` +
        '  Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start;\n' +
        '  Docker: docker compose up -d postgres) or set DATABASE_URL.',
    );
  }
  const amqp = require('amqplib');
  try {
    const connection = await amqp.connect(AMQP_URL, { timeout: 3_000 });
    await connection.close();
  } catch (error) {
    problems.push(
      `RabbitMQ is not reachable at ${redact(AMQP_URL)} (${error.message}).\n` +
        '  Start it (Debian: rabbitmq-server -detached; Docker: docker compose up -d rabbitmq) or set AMQP_URL.',
    );
  }
  return problems;
}

function start(app, port) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${app}/src/main.ts`], {
    env: {
      ...process.env,
      DATABASE_URL,
      AMQP_URL,
      PORT: String(port),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`demo: ${app} exited (${signal ?? code}); stopping`);
      process.exit(1);
    }
  });
  return child;
}

async function waitReady(name, url) {
  for (let i = 0; i < 300; i++) {
    const response = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (response?.ok) return;
    await sleep(200);
  }
  throw new Error(`${name} did not become ready at ${url}/health/ready within 60 s`);
}

let stopping = false;
const children = [];
async function stop(code) {
  stopping = true;
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(
    running.map(
      (child) =>
        new Promise((resolve) => {
          const kill = setTimeout(() => child.kill('SIGKILL'), 30_000); // a drain that hangs
          child.once('exit', () => (clearTimeout(kill), resolve()));
          child.kill('SIGTERM');
        }),
    ),
  );
  process.exit(code);
}

const problems = await reachable();
if (problems.length > 0) {
  console.error(`demo: cannot start the sample loop.\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`demo: PostgreSQL at ${redact(DATABASE_URL)}, RabbitMQ at ${redact(AMQP_URL)}`);
const orders = `http://127.0.0.1:${ORDERS_PORT}`;
const shipping = `http://127.0.0.1:${SHIPPING_PORT}`;
children.push(start('shipping', SHIPPING_PORT), start('orders', ORDERS_PORT));
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
try {
  await waitReady('shipping', shipping);
  await waitReady('orders', orders);
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
  if (once) await stop(0);
  else console.log('demo: both services keep running; Ctrl+C stops them.');
} catch (error) {
  console.error(`demo: ${error.message}`);
  await stop(1);
}
