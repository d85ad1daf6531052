import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidOptionError } from '@courier-nest/core';
import { waitFor } from '../../../../test/harness/wait-for';
import { ExecWorker } from './exec.worker';
import type { ExecWorkerOptions } from './exec-worker.options';
import { fakeContext, fakeMessage } from './testing/message.fixture';
import { RecordingLogger } from './testing/recording-logger.fixture';

const scripts = join(__dirname, '../../../../test/fixtures/exec');
const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Running means alive and not a zombie (a killed orphan waits for PID 1 to reap it). */
function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z';
  } catch {
    return false;
  }
}

describe('ExecWorker', () => {
  let logger: RecordingLogger;
  let captureDir: string;
  const strays: number[] = [];
  const worker = (script: string, options: Partial<ExecWorkerOptions> = {}) =>
    new ExecWorker({
      command: join(scripts, script),
      retryExitCodes: [75],
      timeoutMs: 20_000,
      logger,
      env: { CAPTURE_DIR: captureDir },
      ...options,
    });
  const grandchildPid = (messageId = 'msg-1') => {
    const line = logger.messages('info', messageId).find((m) => m.startsWith('grandchild '));
    const pid = Number(line?.split(' ')[1]);
    if (pid) strays.push(pid);
    return pid;
  };

  beforeEach(() => {
    logger = new RecordingLogger();
    captureDir = mkdtempSync(join(tmpdir(), 'exec-worker-'));
  });
  afterEach(() => rmSync(captureDir, { recursive: true, force: true }));
  afterAll(() => strays.filter(isRunning).forEach((pid) => process.kill(pid, 'SIGKILL')));

  it('acks on exit 0 and logs stdout at info, stderr at error, with the message id', async () => {
    await expect(
      worker('exit-with.sh', { args: ['0'] }).process(fakeMessage('x'), fakeContext()),
    ).resolves.toEqual({
      kind: 'ack',
    });
    expect(logger.lines).toContainEqual({
      level: 'info',
      message: 'working on msg-1',
      fields: expect.objectContaining({ messageId: 'msg-1', stream: 'stdout' }),
    });
    expect(logger.lines).toContainEqual({
      level: 'error',
      message: 'failing with 0',
      fields: expect.objectContaining({ messageId: 'msg-1', stream: 'stderr' }),
    });
  });

  it('requeues on a retry exit code, with the delay asked for', async () => {
    const outcome = await worker('exit-with.sh', { args: ['75'], retryDelayMs: 5000 }).process(
      fakeMessage('x'),
      fakeContext(),
    );
    expect(outcome).toEqual({ kind: 'requeue', reason: 'exit code 75', delayMs: 5000 });
  });

  it('rejects any other exit code with the last stderr line', async () => {
    const outcome = await worker('exit-with.sh', { args: ['3'] }).process(fakeMessage('x'), fakeContext());
    expect(outcome).toEqual({ kind: 'reject', reason: 'command exited with code 3: failing with 3' });
  });

  it('rejects a command killed by a signal', async () => {
    const outcome = await worker('kill-self.sh').process(fakeMessage('x'), fakeContext());
    expect(outcome).toEqual({
      kind: 'reject',
      reason: 'command was killed by signal SIGKILL: about to crash',
    });
  });

  it('gives the message back (not an attempt) and logs an error when the command cannot be started', async () => {
    const outcome = await worker('no-such-script.sh').process(fakeMessage('x'), fakeContext());
    expect(outcome).toMatchObject({
      kind: 'release',
      delayMs: 1_000,
      reason: expect.stringMatching(/^cannot start command: .*ENOENT/),
    });
    expect(logger.messages('error')).toEqual([expect.stringMatching(/^cannot start command/)]);
  });

  it('writes the payload to stdin byte for byte, binary included', async () => {
    const payload = Buffer.concat([allBytes, randomBytes(300_000), allBytes]);
    await expect(worker('capture.sh').process(fakeMessage(payload), fakeContext())).resolves.toEqual({
      kind: 'ack',
    });
    expect(readFileSync(join(captureDir, 'msg-1.bin')).equals(payload)).toBe(true);
  });

  it('acks a command that never reads its stdin (EPIPE is not a failure)', async () => {
    const outcome = await worker('ignore-stdin.sh').process(
      fakeMessage(randomBytes(2_000_000)),
      fakeContext(),
    );
    expect(outcome).toEqual({ kind: 'ack' });
  });

  it('keeps the broker URL and config path out of the command environment', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AMQP_URL: 'amqp://u:secret@h',
      AMQP_EXEC_URL: 'amqp://u:secret@h',
      AMQP_EXEC_CONFIG: '/etc/x.json',
    });
    try {
      await worker('print-env.sh').process(fakeMessage('env', { id: 'env-check' }), fakeContext());
    } finally {
      process.env = saved;
    }
    const environment = readFileSync(join(captureDir, 'env-check.env'), 'utf8');
    expect(environment).toContain('AMQP_EXEC_MESSAGE_ID=env-check');
    expect(environment).not.toMatch(/^AMQP_URL=|^AMQP_EXEC_URL=|^AMQP_EXEC_CONFIG=|secret/m);
  });

  it('passes the attributes as JSON in AMQP_EXEC_ATTRIBUTES, plus the attempt', async () => {
    const message = fakeMessage('{}', {
      id: 'msg-attrs',
      attempt: 3,
      source: 'jobs.q',
      attributes: {
        correlationId: 'corr-9',
        contentType: 'application/json',
        redelivered: true,
        timestamp: new Date('2024-05-06T07:08:09.000Z'),
        headers: { 'x-text': 'plain', 'x-bytes': Buffer.from([0, 255, 1]), 'x-nested': { n: 1, big: 10n } },
      },
    });
    await worker('capture.sh').process(message, fakeContext());
    expect(JSON.parse(readFileSync(join(captureDir, 'msg-attrs.json'), 'utf8'))).toEqual({
      messageId: 'msg-attrs',
      correlationId: 'corr-9',
      contentType: 'application/json',
      headers: { 'x-text': 'plain', 'x-bytes': 'AP8B', 'x-nested': { n: 1, big: '10' } },
      routingKey: 'job.created',
      exchange: 'events',
      redelivered: true,
      timestamp: '2024-05-06T07:08:09.000Z',
      attempt: 3,
      source: 'jobs.q',
    });
    expect(readFileSync(join(captureDir, 'msg-attrs.attempt'), 'utf8')).toBe('3');
  });

  it('on timeout kills the whole process group, grandchild included, and requeues', async () => {
    const outcome = await worker('background-wait.sh', { timeoutMs: 1500 }).process(
      fakeMessage('x'),
      fakeContext(),
    );
    expect(outcome).toEqual({ kind: 'requeue', reason: 'timed out after 1500 ms' });
    const pid = grandchildPid();
    expect(pid).toBeGreaterThan(0);
    await waitFor(() => !isRunning(pid), `grandchild sleep ${pid} to be gone`);
  });

  it('sends SIGKILL after the grace period to a group that ignores SIGTERM', async () => {
    const w = worker('background-wait.sh', { timeoutMs: 1500, killGraceMs: 100, env: { IGNORE_TERM: '1' } });
    await expect(w.process(fakeMessage('x'), fakeContext())).resolves.toMatchObject({ kind: 'requeue' });
    const pid = grandchildPid();
    await waitFor(() => !isRunning(pid), `grandchild sleep ${pid} to be gone`);
  });

  it('on abort stops the group and gives the message back', async () => {
    const controller = new AbortController();
    const pidFile = join(captureDir, 'pid');
    const done = worker('background-wait.sh', { env: { PID_FILE: pidFile } }).process(
      fakeMessage('x'),
      fakeContext(controller),
    );
    const pid = await waitFor(
      () => Number(readFileSync(pidFile, 'utf8')),
      'the script to start its grandchild',
    );
    strays.push(pid);
    controller.abort();
    await expect(done).resolves.toEqual({
      kind: 'release',
      reason: 'aborted: the command was stopped',
      delayMs: 0,
    });
    await waitFor(() => !isRunning(pid), `grandchild sleep ${pid} to be gone`);
  });

  it('kills what a command left running in its group when it exits', async () => {
    await expect(worker('background-exit.sh').process(fakeMessage('x'), fakeContext())).resolves.toEqual({
      kind: 'ack',
    });
    const pid = grandchildPid();
    await waitFor(() => !isRunning(pid), `grandchild sleep ${pid} to be gone`);
  });

  it('caps the output it logs per message and still lets the command finish', async () => {
    const outcome = await worker('chatty.sh', { maxOutputBytes: 1024 }).process(
      fakeMessage('x'),
      fakeContext(),
    );
    expect(outcome).toEqual({ kind: 'ack' });
    const logged = logger.messages('info').reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    expect(logged).toBeLessThanOrEqual(1024);
    expect(logged).toBeGreaterThan(900);
    expect(logger.messages('error')).toEqual(['output over 1024 bytes: the rest is not logged']);
  });

  it('runs 20 messages at once, each with its own payload', async () => {
    const w = worker('capture.sh');
    const payloads = Array.from({ length: 20 }, () => randomBytes(50_000));
    const outcomes = await Promise.all(
      payloads.map((payload, i) =>
        w.process(fakeMessage(payload, { id: `m${i}`, attempt: i + 1 }), fakeContext()),
      ),
    );
    expect(outcomes).toEqual(payloads.map(() => ({ kind: 'ack' })));
    payloads.forEach((payload, i) => {
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(sha(readFileSync(join(captureDir, `m${i}.bin`)))).toBe(sha(payload));
      expect(readFileSync(join(captureDir, `m${i}.attempt`), 'utf8')).toBe(String(i + 1));
    });
  });

  it('rejects bad options when built', () => {
    expect(() => worker('capture.sh', { timeoutMs: 0 })).toThrow(InvalidOptionError);
    expect(() => worker('capture.sh', { retryExitCodes: [0] })).toThrow(/retryExitCodes/);
    expect(() => worker('capture.sh', { command: '' })).toThrow(/command/);
  });
});
