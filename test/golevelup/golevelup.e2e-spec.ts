import { spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from 'amqplib';
import type { Client } from 'pg';
import { BrokerProbe } from '../harness/broker';
import { brokerControl } from '../harness/broker-control';
import { dropSchema, openDatabase } from '../harness/database';
import { AMQP_URL, DATABASE_URL, uniqueName } from '../harness/env';
import { waitFor } from '../harness/wait-for';
import { packageTarballs, repoRoot, type PackageName } from '../packages/package-tarballs';
import { TempProject } from '../packages/temp-project';

/*
 * golevelup 9 peers on @nestjs/common ^11.1.21: it cannot be installed in this Nest 12
 * repository, so these run an app (test/fixtures/golevelup/golevelup-app.process.ts) in a
 * Nest 11 project of its own, with golevelup from the registry and Courier from its
 * tarballs. One install per file, one app process per scenario.
 */
const courier: PackageName[] = [
  '@courier-nest/core',
  '@courier-nest/outbox',
  '@courier-nest/inbox',
  '@courier-nest/golevelup',
];
const nest11 = [
  '@golevelup/nestjs-rabbitmq@^9.0.2',
  '@nestjs/common@^11.1.21',
  '@nestjs/core@^11.1.21',
  '@nestjs/typeorm@^11.0.0',
  '@nestjs/terminus@^11.0.0',
  'typeorm@^0.3.20',
  '@willsoto/nestjs-prometheus@^6.0.2',
  'prom-client@^15.0.0',
  'pg@^8.11.0',
  '@opentelemetry/api@^1.9.0',
  // amqplib 0.10 (golevelup's) has no types of its own; its users add these.
  '@types/amqplib@^0.10.0',
  '@types/node@^20.19.0',
];

interface Scenario {
  schema: string;
  destination: string;
  service: string;
  connectionName: string;
}

function scenario(prefix: string): Scenario {
  return {
    schema: uniqueName(`glu_${prefix}`),
    destination: uniqueName(`glu_${prefix}_events`),
    service: uniqueName(`glu-${prefix}`),
    connectionName: uniqueName(`courier-golevelup-${prefix}`),
  };
}

function appEnv(name: string, s: Scenario): NodeJS.ProcessEnv {
  return {
    GLU_SCENARIO: name,
    GLU_SCHEMA: s.schema,
    GLU_DESTINATION: s.destination,
    GLU_SERVICE: s.service,
    GLU_CONNECTION_NAME: s.connectionName,
    DATABASE_URL,
    AMQP_URL,
  };
}

const lastLine = <T>(output: string): T => JSON.parse(output.trim().split('\n').pop()!) as T;

describe('Courier on @golevelup/nestjs-rabbitmq 9 (a Nest 11 app)', () => {
  let project: TempProject;
  let db: Client;
  let broker: BrokerProbe;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    const tarballs = await packageTarballs();
    project = await TempProject.create('golevelup');
    await project.install(...courier.map((name) => tarballs[name]), ...nest11);
    await cp(join(repoRoot, 'test/fixtures/golevelup/golevelup-app.process.ts'), project.path('src/main.ts'));
    const tsconfig = {
      compilerOptions: {
        strict: true,
        skipLibCheck: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        outDir: 'dist',
        rootDir: 'src',
      },
      files: ['src/main.ts'],
    };
    await writeFile(project.path('tsconfig.json'), JSON.stringify(tsconfig));
    // Also shows that Courier's structural golevelup types accept golevelup's real ones
    // (courierInboxErrorHandler as errorHandler, amqplib's ConsumeMessage as a delivery).
    await project.tsc('tsconfig.json');
    db = await openDatabase();
    broker = await BrokerProbe.open();
  }, 300_000);

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    await db?.end();
    await broker?.close();
    await project?.remove();
  }, 60_000);

  function cleanUp(s: Scenario, queues: string[] = []): void {
    cleanups.push(async () => {
      await dropSchema(db, s.schema);
      for (const queue of queues) await broker.channel.deleteQueue(queue).catch(() => undefined);
      await broker.deleteExchange(s.destination);
    });
  }

  it('installs golevelup 9 beside one @nestjs/core of the 11 line', async () => {
    const copies = (await project.npm('ls', '@nestjs/core', '--all', '--parseable')).trim().split('\n');
    expect(copies).toEqual([project.path('node_modules', '@nestjs/core')]);
    const version = async (name: string) =>
      (
        JSON.parse(await readFile(project.path('node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    expect(await version('@nestjs/core')).toMatch(/^11\./);
    expect(await version('@golevelup/nestjs-rabbitmq')).toMatch(/^9\./);
  });

  it('inbox: a message id delivered three times runs its handler once; a failing handler is retried, then dead; a malformed delivery is dead-lettered, not requeued', async () => {
    const s = scenario('inbox');
    const queue = `${s.service}.${s.destination}`;
    const deadQueue = `${queue}.dead`;
    cleanUp(s, [queue, deadQueue]);
    const report = lastLine<{
      deliveries: Array<string | null>;
      runs: Record<string, number>;
      states: Array<{
        message_id: string;
        handler_key: string;
        status: string;
        attempts: number;
        last_error: string;
      }>;
      storedMessages: number;
    }>(await project.node(['dist/main.js'], appEnv('inbox', s)));

    expect(report.deliveries).toEqual(['dup-1', 'dup-1', 'dup-1', null]);
    expect(report.runs).toEqual({ 'dup-1': 1 });
    expect(report.storedMessages).toBe(1);
    expect(report.states).toEqual([
      expect.objectContaining({ message_id: 'dup-1', handler_key: 'flaky', status: 'dead', attempts: 2 }),
      expect.objectContaining({ message_id: 'dup-1', handler_key: 'once', status: 'done', attempts: 1 }),
    ]);
    expect(report.states[0].last_error).toContain('flaky handler fails every time');
    // Everything acked or rejected once: nothing left on the queue, the malformed one dead-lettered.
    expect((await broker.channel.checkQueue(queue)).messageCount).toBe(0);
    const dead = await waitFor(
      async () => (await broker.channel.get(deadQueue, { noAck: true })) || undefined,
      'the dead-lettered delivery',
    );
    expect(dead.properties.messageId).toBeUndefined();
    expect(await broker.channel.get(deadQueue, { noAck: true })).toBe(false);
  }, 120_000);

  it("outbox: through golevelup's connection a routed message is published once and its row deleted; an unroutable one stays, its attempts counted", async () => {
    const s = scenario('outbox');
    cleanUp(s);
    const received = await broker.bindQueue(s.destination, 'routed');
    const report = lastLine<{
      routed: string;
      unroutable: string;
      rows: Array<{ id: string; attempts: number; last_error: string; dead_at: string | null }>;
    }>(await project.node(['dist/main.js'], appEnv('outbox', s)));

    // The app has exited: no further copy can come.
    await waitFor(() => received.messages.length > 0, 'the routed message');
    expect(received.ids()).toEqual([report.routed]);
    const { rows } = await db.query(
      `SELECT id, attempts, last_error, dead_at FROM "${s.schema}".outbox_messages ORDER BY seq`,
    );
    expect(rows).toEqual([expect.objectContaining({ id: report.unroutable, dead_at: null })]);
    expect(rows[0].attempts).toBeGreaterThanOrEqual(2);
    expect(rows[0].last_error).toContain(
      `unroutable: 312 NO_ROUTE (no queue bound to exchange "${s.destination}"`,
    );
  }, 120_000);

  it("outage: rows written while the broker closed golevelup's connection are each published exactly once after it reconnects", async () => {
    const s = scenario('outage');
    cleanUp(s);
    const received = await broker.bindQueue(s.destination, '#');
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: project.dir,
      env: { ...process.env, ...appEnv('outage', s) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    try {
      await waitFor(() => lines.includes('ready'), 'the app to connect');
      // This app's connection only (its own name); the shared broker keeps running.
      expect(await brokerControl.closeConnections(s.connectionName)).toBe(1);
      child.stdin.write('go\n');
      const code = await exited;
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    } finally {
      child.kill();
    }
    const report = lastLine<{ ids: string[]; disconnectedAfterWriting: boolean }>(lines.join('\n'));
    expect(report.disconnectedAfterWriting).toBe(true);
    expect(report.ids).toHaveLength(20);
    // The app has exited with its outbox empty: every row was confirmed, none twice.
    await waitFor(() => received.messages.length >= 20, 'all 20 messages');
    expect([...received.ids()].sort()).toEqual([...report.ids].sort());
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${s.schema}".outbox_messages`);
    expect(rows[0].n).toBe(0);
  }, 120_000);

  it('broker restart: rows written while RabbitMQ is stopped are each published exactly once after it is back', async () => {
    const s = scenario('restart');
    const queue = `${s.destination}.probe`;
    // A durable queue read after the restart with a connection of its own: the probe's
    // connection does not survive the broker's stop.
    const setup = await connect(AMQP_URL);
    const channel = await setup.createChannel();
    await channel.assertExchange(s.destination, 'topic', { durable: true });
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, s.destination, '#');
    await setup.close();
    cleanups.push(async () => {
      await dropSchema(db, s.schema);
      const connection = await connect(AMQP_URL);
      const cleanupChannel = await connection.createChannel();
      await cleanupChannel.deleteQueue(queue);
      await cleanupChannel.deleteExchange(s.destination);
      await connection.close();
    });
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: project.dir,
      env: { ...process.env, ...appEnv('outage', s) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    let stopped = false;
    try {
      await waitFor(() => lines.includes('ready'), 'the app to connect');
      await broker.close(); // the probe's connection would not survive; opened again below
      await brokerControl.stop();
      stopped = true;
      child.stdin.write('go\n');
      await waitFor(() => lines.includes('written'), 'the rows to be written', { timeoutMs: 60_000 });
      await brokerControl.start();
      stopped = false;
      const code = await exited;
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    } finally {
      if (stopped) await brokerControl.start();
      child.kill();
      broker = await BrokerProbe.open();
    }
    const report = lastLine<{ ids: string[]; disconnectedAfterWriting: boolean }>(lines.join('\n'));
    expect(report.disconnectedAfterWriting).toBe(true);
    expect(report.ids).toHaveLength(20);
    const reader = await connect(AMQP_URL);
    const readChannel = await reader.createChannel();
    const ids: string[] = [];
    for (let message = await readChannel.get(queue); message; message = await readChannel.get(queue)) {
      ids.push(message.properties.messageId as string);
      readChannel.ack(message);
    }
    await reader.close();
    expect(ids.sort()).toEqual([...report.ids].sort());
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${s.schema}".outbox_messages`);
    expect(rows[0].n).toBe(0);
  }, 180_000);
});
