import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfirmChannel, GetMessage } from 'amqplib';
import { ConsumerHeaders } from '@courier-nest/consumer';
import { AmqpExecProcess } from '../harness/amqp-exec-process';
import { TestQueues } from '../harness/broker';
import { AMQP_URL } from '../harness/env';
import { freePort } from '../harness/sample-app-process';
import { waitFor } from '../harness/wait-for';
import { isAlive } from '../harness/process-alive';

const fixtures = join(__dirname, '../fixtures/exec');

describe('amqp-exec with a command', () => {
  let queues: TestQueues;
  let channel: ConfirmChannel;
  let dir: string;
  const running: AmqpExecProcess[] = [];

  const newQueue = () => queues.declare();
  const publish = (queue: string, body: Buffer, messageId: string) => queues.send(queue, body, { messageId });
  const start = async (args: string[], env: Record<string, string> = {}) => {
    const exec = await AmqpExecProcess.running(['--url', AMQP_URL, ...args], env);
    running.push(exec);
    return exec;
  };
  const deadLetters = async (queue: string, count: number) => {
    const taken: GetMessage[] = [];
    await waitFor(async () => {
      const message = await channel.get(`${queue}.dead`, { noAck: true });
      if (message) taken.push(message);
      return taken.length >= count;
    }, `${count} dead letter(s)`);
    return taken;
  };

  beforeAll(async () => {
    queues = await TestQueues.open('exec');
    channel = queues.channel;
    dir = mkdtempSync(join(tmpdir(), 'amqp-exec-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((exec) => exec.stop()));
  });
  afterAll(async () => {
    await queues.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands the payload to the command on stdin byte for byte, with the attributes in the environment', async () => {
    const queue = await newQueue();
    const exec = await start(
      ['--queue', queue, '--exec', join(fixtures, 'capture.sh'), '--concurrency', '4'],
      {
        CAPTURE_DIR: dir,
      },
    );
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await publish(queue, binary, 'binary-1');
    await publish(queue, Buffer.from('plain text\n'), 'text-1');
    await waitFor(
      () => existsSync(join(dir, 'text-1.attempt')) && existsSync(join(dir, 'binary-1.attempt')),
      'both runs',
    );
    expect(readFileSync(join(dir, 'binary-1.bin')).equals(binary)).toBe(true);
    expect(readFileSync(join(dir, 'text-1.bin'), 'utf8')).toBe('plain text\n');
    const attributes = JSON.parse(readFileSync(join(dir, 'binary-1.json'), 'utf8'));
    expect(attributes).toMatchObject({
      messageId: 'binary-1',
      routingKey: queue,
      redelivered: false,
      attempt: 1,
    });
    exec.signal('SIGTERM');
    expect(await exec.exited).toEqual({ code: 0, signal: null });
    expect((await channel.checkQueue(queue)).messageCount).toBe(0); // acked: an unacked one would be back
  });

  it('exit 0 acks, a retry code requeues with a growing attempt until max then dead-letters, any other code dead-letters', async () => {
    const ok = await newQueue();
    const retry = await newQueue();
    const fail = await newQueue();
    const script = join(fixtures, 'exit-with.sh');
    const common = [
      '--retry-exit-code',
      '75',
      '--max-attempts',
      '3',
      '--retry-delay',
      '20',
      '--retry-max-delay',
      '40',
    ];
    await start(['--queue', ok, '--exec', script, '--arg', '0', ...common]);
    const retrying = await start(['--queue', retry, '--exec', script, '--arg', '75', ...common]);
    await start(['--queue', fail, '--exec', script, '--arg', '3', ...common]);
    await publish(ok, Buffer.from('a'), 'ok-1');
    await publish(retry, Buffer.from('b'), 'retry-1');
    await publish(fail, Buffer.from('c'), 'fail-1');

    const [failed] = await deadLetters(fail, 1);
    expect(String(failed.properties.headers?.[ConsumerHeaders.deadLetterReason])).toMatch(
      /^rejected: command exited with code 3/,
    );
    expect(failed.properties.headers?.[ConsumerHeaders.originalQueue]).toBe(fail);

    const [retried] = await deadLetters(retry, 1);
    expect(retried.properties.headers?.[ConsumerHeaders.deadLetterReason]).toBe(
      'gave up after 3 attempts: exit code 75',
    );
    expect(retried.properties.headers?.[ConsumerHeaders.attempt]).toBe(3);
    expect(retried.content.toString()).toBe('b');
    expect(retrying.lines(/working on retry-1/)).toHaveLength(3);

    await waitFor(async () => (await channel.checkQueue(ok)).messageCount === 0, 'the ok queue drained');
    expect(await channel.get(`${ok}.dead`)).toBe(false);
  });

  it('a timeout kills the whole process group of a hanging command', async () => {
    const queue = await newQueue();
    const pidFile = join(dir, 'grandchild.pid');
    await start(
      [
        '--queue',
        queue,
        '--exec',
        join(fixtures, 'background-wait.sh'),
        '--timeout',
        '300',
        '--max-attempts',
        '1',
      ],
      {
        PID_FILE: pidFile,
      },
    );
    await publish(queue, Buffer.from('hang'), 'hang-1');
    const [dead] = await deadLetters(queue, 1);
    expect(dead.properties.headers?.[ConsumerHeaders.deadLetterReason]).toBe(
      'gave up after 1 attempts: timed out after 300 ms',
    );
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => !isAlive(grandchild), `grandchild ${grandchild} gone`);
  });

  it('SIGTERM stops taking messages, lets the running command finish, and exits 0', async () => {
    const queue = await newQueue();
    const script = join(dir, 'slow.sh');
    writeFileSync(
      script,
      '#!/bin/sh\ncat > /dev/null\nwhile [ ! -f "$GO" ]; do sleep 0.05; done\necho "finished $AMQP_EXEC_MESSAGE_ID"\n',
      {
        mode: 0o755,
      },
    );
    const go = join(dir, 'go');
    const exec = await start(['--queue', queue, '--exec', script], { GO: go });
    await publish(queue, Buffer.from('1'), 'slow-1');
    await publish(queue, Buffer.from('2'), 'slow-2');
    await waitFor(async () => (await channel.checkQueue(queue)).messageCount === 1, 'one taken, one waiting');
    exec.signal('SIGTERM');
    await exec.line(/received SIGTERM/);
    writeFileSync(go, '');
    expect(await exec.exited).toEqual({ code: 0, signal: null });
    expect(exec.lines(/finished slow-1/)).toHaveLength(1);
    expect(exec.lines(/finished slow-2/)).toHaveLength(0);
    expect((await channel.checkQueue(queue)).messageCount).toBe(1);
  });

  it('after the shutdown timeout, kills a command that ignores SIGTERM before it exits', async () => {
    const queue = await newQueue();
    const pidFile = join(dir, 'stubborn.pid');
    const exec = await start(
      ['--queue', queue, '--exec', join(fixtures, 'background-wait.sh'), '--shutdown-timeout', '300'],
      { PID_FILE: pidFile, IGNORE_TERM: '1' },
    );
    await publish(queue, Buffer.from('stubborn'), 'stubborn-1');
    await waitFor(
      () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim().length > 0,
      'the command running',
    );
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    exec.signal('SIGTERM');
    expect(await exec.exited).toEqual({ code: 0, signal: null });
    await waitFor(() => !isAlive(grandchild), `grandchild ${grandchild} gone`);
    expect((await channel.checkQueue(queue)).messageCount).toBe(1); // back for the next start
  });

  it('a bad setting stops it with one line naming the setting and exit code 2', async () => {
    const exec = AmqpExecProcess.start([
      '--url',
      AMQP_URL,
      '--queue',
      'q',
      '--exec',
      '/bin/true',
      '--concurrency',
      'lots',
    ]);
    expect(await exec.exited).toEqual({ code: 2, signal: null });
    expect(exec.stderr.filter(Boolean)).toEqual([
      'amqp-exec: invalid --concurrency "lots": expected an integer from 1 to 1000',
    ]);
  });

  it('takes settings from flags over environment over config file over defaults', async () => {
    const queue = await newQueue();
    const file = join(dir, 'amqp-exec.json');
    writeFileSync(
      file,
      JSON.stringify({
        url: AMQP_URL,
        queue,
        exec: '/bin/true',
        concurrency: 2,
        prefetch: 9,
        maxAttempts: 7,
      }),
    );
    const fromFile = await start(['--config', file]);
    expect(await fromFile.line(/msg=started/)).toMatch(/concurrency=2 prefetch=9/);
    const fromEnv = await start(['--config', file], { AMQP_EXEC_CONCURRENCY: '3' });
    expect(await fromEnv.line(/msg=started/)).toMatch(/concurrency=3 prefetch=9/);
    const fromFlag = await start(['--config', file, '--concurrency', '4'], { AMQP_EXEC_CONCURRENCY: '3' });
    expect(await fromFlag.line(/msg=started/)).toMatch(/concurrency=4 prefetch=9/);
    const defaults = await start(['--queue', queue, '--exec', '/bin/true']);
    expect(await defaults.line(/msg=started/)).toMatch(/concurrency=1 prefetch=1/);
  });

  it('never prints a user-only secret of its URL (amqp://TOKEN@host) while the broker is unreachable', async () => {
    const token = 'Us3r-0nly-T0ken';
    const port = await freePort(); // nothing listens there
    const exec = AmqpExecProcess.start([
      '--url',
      `amqp://${token}@127.0.0.1:${port}/?auth=${token}`,
      '--queue',
      'h_fix_never_declared',
      '--exec',
      '/bin/true',
    ]);
    running.push(exec);
    // The consumer waits 5 s for the connection, then warns that the broker is not reachable.
    const warning = await exec.line(/not reachable/, 'stderr');
    expect(warning).toContain(
      `RabbitMQ not reachable at amqp://***@127.0.0.1:${port}/?auth=*** within 5000 ms`,
    );
    expect([...exec.stdout, ...exec.stderr].join('\n')).not.toContain(token);
  });
});
