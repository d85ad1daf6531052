import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ConfirmChannel, GetMessage } from 'amqplib';
import { ConsumerHeaders } from '@courier-nest/consumer';
import { AmqpExecProcess } from '../harness/amqp-exec-process';
import { TestQueues } from '../harness/broker';
import { AMQP_URL } from '../harness/env';
import { PhpFpm } from '../harness/php-fpm';
import { waitFor } from '../harness/wait-for';

const scripts = join(__dirname, '../fixtures/php');

describe('amqp-exec with a FastCGI server (PHP-FPM)', () => {
  let fpm: PhpFpm;
  let queues: TestQueues;
  let channel: ConfirmChannel;
  const running: AmqpExecProcess[] = [];

  const startFor = async (script: string) => {
    const queue = await queues.declare();
    const exec = await AmqpExecProcess.running([
      ...['--url', AMQP_URL, '--queue', queue, '--fastcgi', `${fpm.tcp.host}:${fpm.tcp.port}`],
      ...[
        '--script',
        join(scripts, script),
        '--max-attempts',
        '3',
        '--retry-delay',
        '20',
        '--retry-max-delay',
        '40',
      ],
    ]);
    running.push(exec);
    return { queue, exec };
  };
  const publish = (queue: string, body: Buffer, messageId: string) => queues.send(queue, body, { messageId });
  const deadLetter = (queue: string) =>
    waitFor(
      () => channel.get(`${queue}.dead`, { noAck: true }),
      `a dead letter of ${queue}`,
    ) as Promise<GetMessage>;

  beforeAll(async () => {
    fpm = await PhpFpm.start();
    queues = await TestQueues.open('fcgi');
    channel = queues.channel;
  });
  afterAll(async () => {
    await Promise.all(running.map((exec) => exec.stop()));
    await queues.close();
    await fpm.stop();
  });

  it('sends the payload as the request body byte for byte and acks a 200', async () => {
    const { queue, exec } = await startFor('echo.php');
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
    await publish(queue, binary, 'fcgi-binary');
    const line = await exec.line(/length\W+256/);
    expect(line).toContain(createHash('sha256').update(binary).digest('hex'));
    expect(line).toContain('AMQP_MESSAGE_ID');
    await waitFor(async () => (await channel.checkQueue(queue)).messageCount === 0, 'the queue drained');
    exec.signal('SIGTERM');
    expect(await exec.exited).toEqual({ code: 0, signal: null });
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
    expect(await channel.get(`${queue}.dead`)).toBe(false);
  });

  it('retries a 503 until maxAttempts, then dead-letters it', async () => {
    const { queue } = await startFor('status-503.php');
    await publish(queue, Buffer.from('busy'), 'fcgi-503');
    const dead = await deadLetter(queue);
    expect(dead.properties.headers?.[ConsumerHeaders.deadLetterReason]).toBe(
      'gave up after 3 attempts: FastCGI status 503',
    );
    expect(dead.properties.headers?.[ConsumerHeaders.attempt]).toBe(3);
  });

  it('dead-letters a 500 at once', async () => {
    const { queue } = await startFor('status-500.php');
    await publish(queue, Buffer.from('broken'), 'fcgi-500');
    const dead = await deadLetter(queue);
    expect(dead.properties.headers?.[ConsumerHeaders.deadLetterReason]).toBe('rejected: FastCGI status 500');
    expect(dead.properties.headers?.[ConsumerHeaders.attempt]).toBe(1);
  });
});
