import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { InvalidOptionError } from '@courier-nest/core';
import { PhpFpm } from '../../../../test/harness/php-fpm';
import { FastCgiWorker } from './fastcgi.worker';
import type { FastCgiWorkerOptions } from './fastcgi-worker.options';
import { fakeContext, fakeMessage } from './testing/message.fixture';
import { RecordingLogger } from './testing/recording-logger.fixture';

const scripts = join(__dirname, '../../../../test/fixtures/php');
const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface EchoReply {
  length: number;
  sha256: string;
  hex: string | null;
  params: Record<string, string>;
}

describe('FastCgiWorker against PHP-FPM', () => {
  let fpm: PhpFpm;
  let logger: RecordingLogger;
  const worker = (script: string, options: Partial<FastCgiWorkerOptions> = {}) =>
    new FastCgiWorker({
      address: fpm.tcp,
      scriptFilename: join(scripts, script),
      timeoutMs: 20_000,
      logger,
      ...options,
    });
  /** echo.php answers with one JSON line, which the worker logs at info. */
  const echoReply = (messageId: string): EchoReply => JSON.parse(logger.messages('info', messageId)[0]);

  beforeAll(async () => {
    fpm = await PhpFpm.start();
  });
  afterAll(() => fpm?.stop());
  beforeEach(() => {
    logger = new RecordingLogger();
  });

  it('acks a 200 and delivers the body byte for byte (all 256 byte values) with the params', async () => {
    const message = fakeMessage(allBytes, {
      id: 'm-echo',
      attempt: 2,
      attributes: { correlationId: 'c-1', redelivered: true, headers: { 'x-n': 1 } },
    });
    await expect(worker('echo.php').process(message, fakeContext())).resolves.toEqual({ kind: 'ack' });
    const reply = echoReply('m-echo');
    expect(reply.hex).toBe(allBytes.toString('hex'));
    expect(reply.params).toEqual({
      REQUEST_METHOD: 'POST',
      CONTENT_LENGTH: '256',
      CONTENT_TYPE: 'application/octet-stream',
      AMQP_MESSAGE_ID: 'm-echo',
      AMQP_ROUTING_KEY: 'job.created',
      AMQP_EXCHANGE: 'events',
      AMQP_REDELIVERED: 'true',
      AMQP_ATTEMPT: '2',
      AMQP_CORRELATION_ID: 'c-1',
      AMQP_ATTRIBUTES: expect.any(String),
    });
    expect(JSON.parse(reply.params.AMQP_ATTRIBUTES)).toMatchObject({
      messageId: 'm-echo',
      correlationId: 'c-1',
      headers: { 'x-n': 1 },
      attempt: 2,
      source: 'jobs',
    });
    expect(logger.messages('info', 'm-echo')[1]).toBe('second line');
    expect(logger.messages('error', 'm-echo')).toEqual([
      expect.stringContaining('echo.php received 256 bytes'),
    ]);
  });

  it('sends a body larger than one record over a unix socket, with its content type', async () => {
    const payload = Buffer.concat([randomBytes(200_000), allBytes]);
    const message = fakeMessage(payload, { id: 'm-big', attributes: { contentType: 'application/x-test' } });
    const outcome = await worker('echo.php', { address: fpm.socket }).process(message, fakeContext());
    expect(outcome).toEqual({ kind: 'ack' });
    expect(echoReply('m-big')).toMatchObject({ length: payload.length, sha256: sha256(payload) });
    expect(echoReply('m-big').params.CONTENT_TYPE).toBe('application/x-test');
  });

  it('requeues a retry status (503) with the delay asked for', async () => {
    const outcome = await worker('status-503.php', { retryDelayMs: 1000 }).process(
      fakeMessage('x'),
      fakeContext(),
    );
    expect(outcome).toEqual({ kind: 'requeue', reason: 'FastCGI status 503', delayMs: 1000 });
  });

  it('rejects any other status (500) and logs what the script wrote to stderr', async () => {
    const outcome = await worker('status-500.php').process(fakeMessage('x'), fakeContext());
    expect(outcome).toEqual({ kind: 'reject', reason: 'FastCGI status 500' });
    expect(logger.messages('error').join('\n')).toContain('status-500.php cannot handle this message');
  });

  it('requeues statuses named in retryStatuses', async () => {
    const outcome = await worker('status-500.php', { retryStatuses: [500] }).process(
      fakeMessage('x'),
      fakeContext(),
    );
    expect(outcome).toMatchObject({ kind: 'requeue', reason: 'FastCGI status 500' });
  });

  it('requeues when the script does not answer in time', async () => {
    const outcome = await worker('sleep.php', { timeoutMs: 1000 }).process(fakeMessage('x'), fakeContext());
    expect(outcome).toEqual({ kind: 'requeue', reason: 'timed out after 1000 ms' });
  });

  it('gives the message back when the context is aborted', async () => {
    const controller = new AbortController();
    const done = worker('sleep.php').process(fakeMessage('x'), fakeContext(controller));
    controller.abort();
    await expect(done).resolves.toEqual({
      kind: 'release',
      reason: 'aborted: the request was stopped',
      delayMs: 0,
    });
  });

  it('requeues when the server process dies mid-request', async () => {
    const outcome = await worker('crash.php').process(fakeMessage('x'), fakeContext());
    expect(outcome).toMatchObject({
      kind: 'requeue',
      reason: expect.stringMatching(/ECONNRESET|closed before the response ended/),
    });
  });

  it('gives the message back, not as an attempt, when no server listens (TCP refused, missing socket)', async () => {
    const stopped = await PhpFpm.start({ children: 1 });
    await stopped.stop();
    for (const address of [stopped.tcp, stopped.socket]) {
      const outcome = await worker('echo.php', { address }).process(fakeMessage('x'), fakeContext());
      expect(outcome).toMatchObject({
        kind: 'release',
        delayMs: 1_000,
        reason: expect.stringMatching(/ECONNREFUSED|ENOENT/),
      });
    }
    expect(logger.messages('error')).toHaveLength(2);
  });

  it('serves 10 messages at once, each answered with its own body', async () => {
    const w = worker('echo.php');
    const payloads = Array.from({ length: 10 }, () => randomBytes(10_000));
    const outcomes = await Promise.all(
      payloads.map((payload, i) => w.process(fakeMessage(payload, { id: `m${i}` }), fakeContext())),
    );
    expect(outcomes).toEqual(payloads.map(() => ({ kind: 'ack' })));
    payloads.forEach((payload, i) => expect(echoReply(`m${i}`).sha256).toBe(sha256(payload)));
  });

  it('rejects bad options when built', () => {
    expect(() => worker('echo.php', { address: { host: '127.0.0.1', port: 0 } })).toThrow(InvalidOptionError);
    expect(() => worker('echo.php', { retryStatuses: [99] })).toThrow(/retryStatuses/);
  });
});
